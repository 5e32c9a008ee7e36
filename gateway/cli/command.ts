// What every CLI command is, in a module of its own: the command table (commands.ts) imports the
// commands, and the commands import this, so nothing imports in a circle.

/** A wrong command line: main.ts prints the message and exits 2. */
export class UsageError extends Error {}

export interface Command {
  summary: string;
  help: string;
  run(args: string[]): Promise<number | void>;
}
