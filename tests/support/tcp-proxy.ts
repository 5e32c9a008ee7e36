// A TCP proxy in front of PostgreSQL that a test can cut and restore: the database "goes away" for
// an instance behind it (every open connection is dropped, new ones are refused: ECONNREFUSED) and
// comes back on the same port, while the server itself and other test files carry on undisturbed.
// It can also turn away only new connections of one application_name (read from the startup
// message), so one connection of an instance (its LISTEN connection) stays away while the rest work.
import net from 'node:net';

export interface TcpProxy {
  /** `url` (a postgres:// URL) with its host and port replaced by the proxy's. */
  via(url: string): string;
  /** Drops every connection and stops accepting: the database is unreachable. */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port. */
  restore(): Promise<void>;
  /** Closes new connections whose application_name starts with `prefix`, until `admitAll()`. */
  turnAway(prefix: string): void;
  admitAll(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let turnedAway: string | undefined;

  function join(client: net.Socket, first: Buffer) {
    const upstream = net.connect(target);
    upstream.write(first);
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        sockets.delete(a);
        b.destroy();
      });
      a.pipe(b);
    }
  }

  const server = net.createServer((client) => {
    // Read the startup message (length, protocol, then name\0value\0 pairs) before joining.
    let buffered = Buffer.alloc(0);
    client.on('error', () => client.destroy());
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 4 || buffered.length < buffered.readInt32BE(0)) return;
      client.off('data', onData);
      client.pause();
      if (turnedAway && applicationName(buffered.subarray(8, buffered.readInt32BE(0))).startsWith(turnedAway)) return void client.destroy();
      join(client, buffered);
      client.resume();
    };
    client.on('data', onData);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  let cut = false;

  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });

  return {
    via(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async cut() {
      if (cut) return;
      cut = true;
      await stop();
    },
    async restore() {
      if (!cut) return;
      await listen(port);
      cut = false;
    },
    turnAway(prefix) {
      turnedAway = prefix;
    },
    admitAll() {
      turnedAway = undefined;
    },
    async close() {
      if (!cut) await stop();
      cut = true;
    },
  };
}

function applicationName(params: Buffer): string {
  const parts = params.toString('utf8').split('\0');
  const at = parts.indexOf('application_name');
  return at >= 0 ? (parts[at + 1] ?? '') : '';
}
