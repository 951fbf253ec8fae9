/**
 * A TCP server that accepts connections and never writes a byte: "connect OK, then silence", for
 * testing connect-versus-first-byte timeouts.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface BlackHole {
  /** e.g. "http://127.0.0.1:41234" */
  readonly url: string;
  readonly port: number;
  /** Connections currently open. */
  connections(): number;
  /** Connections accepted over the black hole's life. */
  readonly acceptedConnections: number;
  close(): Promise<void>;
}

export async function startBlackHole(options: { port?: number } = {}): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    // Read and discard whatever the client sends, so its writes never block; answer nothing.
    socket.resume();
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections: () => sockets.size,
    get acceptedConnections() {
      return accepted;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const socketsGone = [...sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve)));
      for (const socket of sockets) socket.destroy();
      await Promise.all([closed, ...socketsGone]);
    },
  };
}
