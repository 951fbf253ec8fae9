/**
 * Tiny HTTP servers standing in for model servers in this folder's tests. Test-only: imported by
 * `*.test.ts` files, never by the server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TinyServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Every request seen, in order. */
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }>;
  /** How many TCP connections clients opened. */
  sockets(): number;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 with a random port; `close` also cuts connections left open. */
export async function startTinyServer(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<TinyServer> {
  const requests: TinyServer['requests'] = [];
  const server: Server = createServer((request, response) => {
    requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    handler(request, response);
  });
  let sockets = 0;
  server.on('connection', () => (sockets += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    sockets: () => sockets,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers every request with `status` and `body` (JSON unless a string). */
export function answer(status: number, body: unknown, contentType = 'application/json'): (request: IncomingMessage, response: ServerResponse) => void {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': contentType });
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

/** A port on 127.0.0.1 that nothing listens on (found by opening a server and closing it). */
export async function refusedPort(): Promise<number> {
  const server = await startTinyServer(() => undefined);
  await server.close();
  return server.port;
}
