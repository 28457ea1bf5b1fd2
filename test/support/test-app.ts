import { isDeepStrictEqual } from 'node:util';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { Response, Test as Request } from 'supertest';
import { DataSource } from 'typeorm';
import { UsersService } from '@app/access';
import { Clock, ManualClock } from '@app/clock';
import { loadConfig } from '@app/config';
import { configureHttpApp, ErrorDetail, PrototypedExpressAdapter } from '@app/http';
import { MIGRATIONS_TABLE } from '@app/database';
import { ServiceModule } from '../../apps/api/src/service.module';
import { TEST_ENV } from './test-env';

export interface TestApp {
  app: INestApplication;
  http: () => ReturnType<typeof request>;
  db: DataSource;
  close: () => Promise<void>;
}

/**
 * The whole service (API and worker in one process) against the real
 * PostgreSQL and Redis, through the same HTTP pipeline as production.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  { withWorker = true }: { withWorker?: boolean } = {},
): Promise<TestApp> {
  const config = loadConfig({ ...TEST_ENV, ...env });
  const moduleRef = await Test.createTestingModule({
    imports: [ServiceModule.forRoot(config, { withWorker })],
  }).compile();
  const app = moduleRef.createNestApplication(new PrototypedExpressAdapter(), {
    bodyParser: false,
    logger: false,
  });
  configureHttpApp(app);
  await app.init();
  const server = app.getHttpServer() as Parameters<typeof request>[0];
  return {
    app,
    http: () => request(server),
    db: app.get(DataSource),
    close: () => app.close(),
  };
}

/** Empties every table (the schema stays) and recreates the bootstrap administrator. */
export async function resetDatabase(t: TestApp): Promise<void> {
  const tables: { tablename: string }[] = await t.db.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> $1`,
    [MIGRATIONS_TABLE],
  );
  const truncate = `TRUNCATE ${tables.map((r) => `"${r.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`;
  // TRUNCATE locks the tables one by one: a transaction of the app's own worker or
  // reconcile pass (just started) holding one of them may deadlock it; tried again.
  for (let attempt = 1; ; attempt++) {
    try {
      await t.db.query(truncate);
      break;
    } catch (e) {
      const code = (e as { driverError?: { code?: string } }).driverError?.code;
      if (code !== '40P01' || attempt >= 5) throw e;
    }
  }
  await t.db.query(`INSERT INTO manual_clock (id, now) VALUES (1, '2025-09-01T09:00:00+08:00')`);
  await reloadManualClock(t);
  await t.app.get(UsersService).ensureAdmin(TEST_ENV.ADMIN_USERNAME, TEST_ENV.ADMIN_PASSWORD);
}

export async function login(t: TestApp, username: string, password: string): Promise<string> {
  const res = await t.http().post('/api/auth/login').send({ username, password }).expect(200);
  return (res.body as { accessToken: string }).accessToken;
}

export function adminToken(t: TestApp): Promise<string> {
  return login(t, TEST_ENV.ADMIN_USERNAME, TEST_ENV.ADMIN_PASSWORD);
}

/** Row counts of the given tables: "changes nothing" is asserted by comparing these. */
export async function countRows(t: TestApp, tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const rows: { n: string }[] = await t.db.query(`SELECT count(*) AS n FROM "${table}"`);
    counts[table] = Number(rows[0].n);
  }
  return counts;
}

/**
 * Makes the running app's manual clock read the stored instant again.
 * resetDatabase rewrites the manual_clock row; a ManualClock keeps in memory
 * what it loaded at start-up (the real time when the table was empty) until told.
 */
export async function reloadManualClock(t: TestApp): Promise<void> {
  const clock = t.app.get(Clock);
  if (clock instanceof ManualClock) await clock.load();
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** Runs `act` and asserts it left the row counts of `tables` as they were. */
export async function withoutRowChanges<T>(
  t: TestApp,
  tables: string[],
  act: () => Promise<T>,
): Promise<T> {
  const before = await countRows(t, tables);
  const result = await act();
  const after = await countRows(t, tables);
  if (!isDeepStrictEqual(after, before)) {
    const answer = result as { status?: number; body?: unknown };
    throw new Error(
      `Row counts changed from ${JSON.stringify(before)} to ${JSON.stringify(after)}` +
        (answer.status ? ` (the answer was ${answer.status} ${JSON.stringify(answer.body)})` : ''),
    );
  }
  return result;
}

/** Asserts the contract's error body (api.md "Errors") with this status and code; returns its details. */
export function expectError(res: Response, status: number, code: string): ErrorDetail[] {
  expect({ status: res.status, code: (res.body as { code?: unknown }).code }).toEqual({
    status,
    code,
  });
  expect(res.body).toEqual({
    statusCode: status,
    error: expect.any(String),
    code,
    message: expect.any(String),
    details: expect.any(Array),
  });
  const details = (res.body as { details: ErrorDetail[] }).details;
  // A 422 lists every broken rule with its code (api.md "Errors").
  if (status === 422) expect(details.length).toBeGreaterThan(0);
  return details;
}

/** Collects the body as bytes, whatever its content type (CSV, XLSX downloads). */
export function binary(req: Request): Request {
  return req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    const stream = res as unknown as NodeJS.ReadableStream;
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => done(null, Buffer.concat(chunks)));
  });
}
