import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ORPHAN_AGE_MS, UploadSweeper } from '@app/applications';
import { uploadMaterial } from './factories/applications.factory';
import { createTestApp, resetDatabase, TestApp } from './support/test-app';
import { TEST_ENV } from './support/test-env';
import { draftIn, workflowWorld } from './support/workflow-fixture';

/**
 * What a process killed mid-upload leaves in UPLOAD_DIR is swept, and nothing
 * else: not a recorded material however old, not an upload still in flight.
 */
describe('sweeping uploads left by a crash', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await resetDatabase(t);
  }, 60_000);
  afterAll(() => t.close());

  /** A file with a modification time `ageMs` ago. */
  async function fileAged(path: string, ageMs: number): Promise<string> {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, '%PDF-1.4 left behind');
    const then = new Date(Date.now() - ageMs);
    await utimes(path, then, then);
    return path;
  }

  it('deletes old unjudged and unrecorded files, keeps recorded and recent ones', async () => {
    const world = await workflowWorld(t);
    const { draft, token } = await draftIn(t, world);
    const uploaded = await uploadMaterial(t, token, draft.id, draft.missingMaterials[0]);
    expect(uploaded.status).toBe(201);
    const recorded = join(TEST_ENV.UPLOAD_DIR, draft.id, (uploaded.body as { id: string }).id);
    expect(existsSync(recorded)).toBe(true);
    const then = new Date(Date.now() - 2 * ORPHAN_AGE_MS);
    await utimes(recorded, then, then);

    const old = 2 * ORPHAN_AGE_MS;
    const unjudged = await fileAged(join(TEST_ENV.UPLOAD_DIR, 'incoming', randomUUID()), old);
    const inFlight = await fileAged(join(TEST_ENV.UPLOAD_DIR, 'incoming', randomUUID()), 1000);
    const unrecorded = await fileAged(join(TEST_ENV.UPLOAD_DIR, draft.id, randomUUID()), old);
    const unrecordedRecent = await fileAged(
      join(TEST_ENV.UPLOAD_DIR, draft.id, randomUUID()),
      1000,
    );

    const swept = await t.app.get(UploadSweeper).sweep();

    expect(swept).toEqual({ incoming: 1, unrecorded: 1 });
    expect(existsSync(unjudged)).toBe(false);
    expect(existsSync(unrecorded)).toBe(false);
    expect(existsSync(inFlight)).toBe(true);
    expect(existsSync(unrecordedRecent)).toBe(true);
    expect(existsSync(recorded)).toBe(true);
    // The recorded material still downloads.
    const res = await t
      .http()
      .get(`/api/applications/${draft.id}/materials/${(uploaded.body as { id: string }).id}`)
      .set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
  });
});
