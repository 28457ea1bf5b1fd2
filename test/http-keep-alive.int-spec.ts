import { connect, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createTestApp, TestApp } from './support/test-app';

/** The raw bytes of one answer read off a kept connection (health's body is small: one chunk). */
function answerOn(socket: Socket, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('data', (chunk) => resolve(chunk.toString('latin1')));
    socket.once('error', reject);
    socket.write(request);
  });
}

function closedBy(socket: Socket): Promise<number> {
  const opened = performance.now();
  return new Promise((resolve) => socket.once('close', () => resolve(performance.now() - opened)));
}

const HEALTH = 'GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n';

describe('idle keep-alive connections (HTTP_KEEP_ALIVE_SECONDS)', () => {
  let defaults: TestApp;
  let short: TestApp;

  beforeAll(async () => {
    defaults = await createTestApp({}, { withWorker: false });
    short = await createTestApp({ HTTP_KEEP_ALIVE_SECONDS: '2' }, { withWorker: false });
    await short.app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await short?.close();
    await defaults?.close();
  });

  it('holds them longer than a proxy in front would (65 s), with the headers timeout above that', () => {
    const server = defaults.app.getHttpServer() as Server;
    expect(server.keepAliveTimeout).toBe(65_000);
    expect(server.headersTimeout).toBeGreaterThan(65_000);
  });

  it('answers a second request on a connection that stayed idle, says how long it is held, and closes it after that', async () => {
    const { port } = (short.app.getHttpServer() as Server).address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    try {
      const first = await answerOn(socket, HEALTH);
      expect(first).toMatch(/^HTTP\/1\.1 200 /);
      expect(first).toMatch(/\r\nKeep-Alive: timeout=2\r\n/i);

      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const closed = closedBy(socket);
      const second = await answerOn(socket, HEALTH);
      expect(second).toMatch(/^HTTP\/1\.1 200 /);

      // Closed by the server once idle for its keep-alive (2 s), not before; margin for a loaded machine.
      const idleMs = await closed;
      expect(idleMs).toBeGreaterThanOrEqual(1_900);
      expect(idleMs).toBeLessThan(10_000);
    } finally {
      socket.destroy();
    }
  }, 30_000);
});
