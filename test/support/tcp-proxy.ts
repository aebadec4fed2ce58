import net from 'node:net';

/**
 * A TCP proxy on a free local port, to take a real dependency (PostgreSQL, Temporal) "down" and
 * bring it back without touching the shared server: `stop()` refuses and cuts connections.
 */
export async function startTcpProxy(target: { host: string; port: number }, port = 0) {
  const sockets = new Set<net.Socket>();
  const listen = (on: number) =>
    new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(on, '127.0.0.1', () => resolve(server));
    });
  let server: net.Server | undefined = await listen(port);
  const boundPort = (server.address() as net.AddressInfo).port;
  return {
    port: boundPort,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
    },
    async start() {
      server ??= await listen(boundPort);
    },
  };
}

/** Polls `probe` until it returns true, for at most `timeoutMs`. Returns whether it succeeded. */
export async function eventually(
  probe: () => Promise<boolean>,
  timeoutMs = 30_000,
  intervalMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return false;
}
