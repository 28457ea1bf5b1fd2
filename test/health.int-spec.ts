import { createTestApp, TestApp } from './support/test-app';

describe('GET /api/health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers 200 when PostgreSQL and Redis answer', async () => {
    const res = await t.http().get('/api/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up', redis: 'up' });
  });

  it('answers 503 naming Redis when Redis does not answer', async () => {
    const down = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:6390/0', CLOCK: 'system' });
    try {
      const res = await down.http().get('/api/health').expect(503);
      expect(res.body).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
      expect(res.body.details).toEqual([{ code: 'REDIS_DOWN', message: 'Redis does not answer' }]);
      // A load balancer or a client polling the probe is told when to ask again, as for every outage.
      expect(res.headers['retry-after']).toBe('5');
    } finally {
      await down.close();
    }
    // Closing gives up on the unreachable Redis after the queue's close timeouts.
  }, 45_000);
});
