/**
 * A TCP proxy that can take the server behind it away, the two ways a database goes missing:
 * 'refused' (the server is down: connections are cut and new ones refused) and 'silent' (a
 * network partition: connections are cut and new ones accepted but never answered).
 */
import net from 'node:net';

export type Outage = 'refused' | 'silent';

export interface OutageProxy {
  port: number;
  cut(outage: Outage): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

export async function startOutageProxy(target: { host: string; port: number }): Promise<OutageProxy> {
  const sockets = new Set<net.Socket>();
  let outage: Outage | undefined;
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    if (outage === 'silent') return;
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number): Promise<void> => new Promise((resolve, reject) => server.once('error', reject).listen(port, LOOPBACK, () => resolve()));
  const stopListening = (): Promise<void> => new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const cutEverything = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port,
    async cut(kind) {
      outage = kind;
      cutEverything();
      if (kind === 'refused') await stopListening();
    },
    async restore() {
      outage = undefined;
      if (!server.listening) await listen(port);
    },
    async close() {
      cutEverything();
      await stopListening();
    },
  };
}
