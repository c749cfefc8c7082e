/**
 * A TCP proxy that can take the server behind it away, the two ways a database goes missing:
 * 'refused' (the server is down: connections are cut and new ones refused) and 'silent' (a
 * network partition: connections are cut, and new ones get no answer until the network is back).
 * It can also make every new connection slow to open (`slowDown`), as a starved database host does.
 */
import net from 'node:net';

export type Outage = 'refused' | 'silent';

export interface OutageProxy {
  port: number;
  cut(outage: Outage): Promise<void>;
  restore(): Promise<void>;
  /** From now on, each new connection reaches the server only `delayMs` after it was opened (0: at once again). */
  slowDown(delayMs: number): void;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

export async function startOutageProxy(target: { host: string; port: number }): Promise<OutageProxy> {
  const sockets = new Set<net.Socket>();
  // Opened during a partition: TCP keeps resending what they sent, so once the network is back they go through.
  const waitingForNetwork = new Set<net.Socket>();
  let outage: Outage | undefined;
  let openDelayMs = 0;
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      waitingForNetwork.delete(socket);
    });
    socket.on('error', () => socket.destroy());
  };
  const forward = (client: net.Socket): void => {
    if (client.destroyed) return;
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    // Paused, what the client sends waits in the socket until it is forwarded.
    client.pause();
    if (outage === 'silent') waitingForNetwork.add(client);
    else if (openDelayMs > 0) setTimeout(() => forward(client), openDelayMs);
    else forward(client);
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
      for (const client of waitingForNetwork) forward(client);
      waitingForNetwork.clear();
    },
    slowDown(delayMs) {
      openDelayMs = delayMs;
    },
    async close() {
      cutEverything();
      await stopListening();
    },
  };
}
