// A minimal graphql-transport-ws client (the protocol mercurius speaks), enough for tests: open,
// connection_init with a payload, subscribe, collect what arrives.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
interface Socket {
  on(event: 'message', fn: (data: Buffer) => void): void;
  on(event: 'close', fn: (code: number) => void): void;
  on(event: 'open' | 'error', fn: (err?: Error) => void): void;
  send(data: string): void;
  close(): void;
}
const WebSocket = require('ws') as new (url: string, protocols: string[]) => Socket;

export interface Message {
  type: string;
  id?: string;
  payload?: any;
}

export interface WsClient {
  messages: Message[];
  closed: Promise<number>;
  /** Resolves with the first message (already received or coming) that matches. */
  next(predicate: (m: Message) => boolean, timeoutMs?: number): Promise<Message>;
  subscribe(id: string, query: string, variables?: Record<string, unknown>): void;
  close(): void;
}

export async function connect(url: string, payload: Record<string, unknown> | undefined): Promise<WsClient> {
  const socket = new WebSocket(url.replace(/^http/, 'ws') + '/graphql', ['graphql-transport-ws']);
  const messages: Message[] = [];
  const waiters: { p: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  socket.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString()) as Message;
    messages.push(m);
    for (const w of [...waiters]) if (w.p(m)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(m));
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.on('open', () => resolve());
    socket.on('error', (err) => reject(err));
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload }));
  return {
    messages,
    closed,
    next(predicate, timeoutMs = 10_000) {
      const seen = messages.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching message in ${timeoutMs} ms: ${JSON.stringify(messages)}`)), timeoutMs);
        waiters.push({ p: predicate, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
    subscribe(id, query, variables) {
      socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
    },
    close: () => socket.close(),
  };
}
