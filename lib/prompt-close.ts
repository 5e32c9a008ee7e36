// A server's close waits for every connection to end, and two kinds did not end for a minute or more,
// so a graceful stop overran SHUTDOWN_GRACE_MS and exited 1 (found in tests/graph/admission.test.ts:
// a close of 67 s):
// - A connection that has not sent a byte: Node closes keep-alive connections that are between
//   requests, but counts this one as a request whose headers are on their way, and cuts it off only
//   when `headersTimeout` (60 s) runs out. A browser's preconnect, a load balancer's TCP check or a
//   port scan does this. It carries no request, so it is closed when the close begins.
// - The connection of a request in flight when the close begins: the request is answered, but its
//   connection then stays open for keep-alive until `keepAliveTimeout` (fastify: 72 s). fastify says
//   `Connection: close` only to requests that arrive after the close began; this says it to the ones
//   already being answered, and ends the connection of one whose headers have gone.
// A connection that has sent part of its headers is left to finish or time out, as Node does.
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** Watches `server`; the function returned, called as its close begins, lets no connection linger. */
export function promptClose(server: Server): () => void {
  const open = new Set<Socket>();
  const answering = new Set<ServerResponse>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  server.on('request', (_request, response: ServerResponse) => {
    answering.add(response);
    response.once('close', () => answering.delete(response));
  });
  return () => {
    for (const socket of open) if (socket.bytesRead === 0) socket.destroy();
    for (const response of answering) {
      if (!response.headersSent) response.setHeader('connection', 'close');
      else {
        const socket = response.socket;
        response.once('finish', () => socket?.end());
      }
    }
  };
}

/** A fastify app lets no connection linger once it starts closing (preClose: before its server's close waits). */
export function closePromptly(app: FastifyInstance): void {
  const closing = promptClose(app.server);
  app.addHook('preClose', async () => closing());
}
