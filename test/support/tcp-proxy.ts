import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP relay on 127.0.0.1 to a real server, which a test can cut and restore:
 * a dependency that goes away for one app under test only (the shared
 * PostgreSQL and Redis stay up for every other test).
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async to(host: string, port: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(host, port);
    await proxy.restore();
    return proxy;
  }

  /** A relay to the server of a connection URL, and that URL pointed at the relay instead. */
  static async inFrontOf(
    serverUrl: string,
    defaultPort: number,
  ): Promise<{ proxy: TcpProxy; url: string }> {
    const url = new URL(serverUrl);
    const proxy = await TcpProxy.to(url.hostname, Number(url.port || defaultPort));
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    return { proxy, url: url.toString() };
  }

  /** Listens again (on the same port once it has one); new connections are relayed. */
  async restore(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = createConnection(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        // A cut reaches the app as a lost connection; no unhandled error here.
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.server = server;
  }

  /** Stops listening and drops every relayed connection: the server is out of reach. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
