import type { Response } from 'superagent';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import {
  ApplicationView,
  createApplicant,
  createDraft,
  familyBody,
  getApplication,
  JPEG,
  MaterialTarget,
  PDF,
  PNG,
  uploadMaterial,
  submitApplication,
  submittedApplication,
  uploadMissingMaterials,
} from './factories/applications.factory';
import { createCampaign } from './factories/campaigns.factory';
import { createRegionTree, RegionTree } from './factories/regions.factory';
import { createStaff } from './factories/users.factory';
import {
  adminToken,
  bearer,
  createTestApp,
  expectError,
  resetDatabase,
  TestApp,
  withoutRowChanges,
} from './support/test-app';
import { TEST_ENV } from './support/test-env';

const UPLOAD_DIR = TEST_ENV.UPLOAD_DIR;
const MAX_BYTES = 10 * 1024 * 1024;
const HTML = Buffer.from('<!doctype html><html><script>alert(1)</script></html>');
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A file of `size` bytes that starts like a PDF. */
const pdfOfSize = (size: number): Buffer => {
  const bytes = Buffer.alloc(size, 0x20);
  PDF.copy(bytes);
  return bytes;
};

/** Every file (not directory) under `dir`, as paths relative to it; none when it does not exist. */
async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/**
 * Reads a response body as raw bytes, whatever its content type. superagent
 * types the parser's argument as its Response; at run time it is the stream.
 */
function bytes(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

describe('applications: materials', () => {
  let t: TestApp;
  let admin: string;
  let tree: RegionTree;
  let campaignId: string;
  let community: string;
  let owner: { token: string };
  let draft: ApplicationView;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await resetDatabase(t);
    admin = await adminToken(t);
    tree = await createRegionTree(t, admin, 1, 2);
    community = tree.towns[0].communities[0];
    campaignId = (await createCampaign(t, admin, tree.countyId, { referenceIncome: 20000 })).id;
    owner = await createApplicant(t);
    draft = await createDraft(t, owner.token, familyBody(campaignId, community));
  });

  const husband = () => draft.members[0].idNumber;
  const upload = (
    target: MaterialTarget,
    file: { content?: Buffer; name?: string; contentType?: string } = {},
    token = owner.token,
    applicationId = draft.id,
  ) => uploadMaterial(t, token, applicationId, target, file);

  /** Runs `act` and returns the files it left under the upload dir (and asserts it removed none). */
  async function filesAddedBy<T>(act: () => Promise<T>): Promise<{ result: T; added: string[] }> {
    const before = await filesUnder(UPLOAD_DIR);
    const result = await act();
    const after = await filesUnder(UPLOAD_DIR);
    expect(before.filter((f) => !after.includes(f))).toEqual([]);
    return { result, added: after.filter((f) => !before.includes(f)) };
  }

  /** Runs a refused upload: no row in materials and no file anywhere under the upload dir. */
  async function leavesNothing<T>(act: () => Promise<T>): Promise<T> {
    const before = await filesUnder(UPLOAD_DIR);
    const result = await withoutRowChanges(t, ['materials'], act);
    expect(await filesUnder(UPLOAD_DIR)).toEqual(before);
    return result;
  }

  describe('POST /api/applications/:id/materials', () => {
    it.each<[string, Buffer, string]>([
      ['a PDF', PDF, 'application/pdf'],
      ['a JPEG', JPEG, 'image/jpeg'],
      ['a PNG', PNG, 'image/png'],
    ])(
      'files %s: 201 with its SHA-256, size and type, stored byte for byte',
      async (_what, content, contentType) => {
        const { result: res, added } = await filesAddedBy(() =>
          upload({ type: 'hukou_identity_proof', memberIdNumber: husband() }, { content }),
        );
        expect(res.status).toBe(201);
        expect(res.body).toEqual({
          id: expect.any(String),
          type: 'hukou_identity_proof',
          memberIdNumber: husband(),
          propertyId: null,
          contentType,
          size: content.length,
          sha256: sha256(content),
          uploadedAt: expect.any(String),
        });
        const [row] = await t.db.query(
          `SELECT application_id, storage_key, sha256, size, content_type FROM materials WHERE id = $1`,
          [res.body.id],
        );
        expect(row).toEqual({
          application_id: draft.id,
          storage_key: `${draft.id}/${res.body.id}`,
          sha256: sha256(content),
          size: content.length,
          content_type: contentType,
        });
        expect(await readFile(join(UPLOAD_DIR, row.storage_key))).toEqual(content);
        // Nothing else stays behind: the incoming copy was moved, not copied.
        expect(added).toEqual([`${draft.id}/${res.body.id}`]);
      },
    );

    it('judges the type by content, not by the name or the declared content type', async () => {
      const res = await upload(
        { type: 'survey_form' },
        { content: PNG, name: 'form.pdf', contentType: 'application/pdf' },
      );
      expect(res.status).toBe(201);
      expect(res.body.contentType).toBe('image/png');
    });

    it('refuses an HTML file named x.pdf and sent as application/pdf with 415, leaving nothing', async () => {
      const res = await leavesNothing(() =>
        upload(
          { type: 'survey_form' },
          { content: HTML, name: 'x.pdf', contentType: 'application/pdf' },
        ),
      );
      expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('refuses a file of 10 MB + 1 byte with 413, leaving nothing', async () => {
      const res = await leavesNothing(() =>
        upload({ type: 'survey_form' }, { content: pdfOfSize(MAX_BYTES + 1) }),
      );
      expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('accepts a PDF of exactly 10 MB', async () => {
      const content = pdfOfSize(MAX_BYTES);
      const res = await upload({ type: 'survey_form' }, { content });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ size: MAX_BYTES, sha256: sha256(content) });
    });

    it('refuses an empty file and a request without a file with 400, leaving nothing', async () => {
      const empty = await leavesNothing(() =>
        upload({ type: 'survey_form' }, { content: Buffer.alloc(0) }),
      );
      expectError(empty, 400, 'EMPTY_FILE');
      const noFile = await leavesNothing(() =>
        t
          .http()
          .post(`/api/applications/${draft.id}/materials`)
          .set(bearer(owner.token))
          .field('type', 'survey_form'),
      );
      expectError(noFile, 400, 'FILE_REQUIRED');
    });

    it('refuses two files, or a file under another part name, with 400, leaving nothing', async () => {
      const post = () =>
        t
          .http()
          .post(`/api/applications/${draft.id}/materials`)
          .set(bearer(owner.token))
          .field('type', 'survey_form');
      const two = await leavesNothing(() =>
        post().attach('file', PDF, 'a.pdf').attach('file', PDF, 'b.pdf'),
      );
      expectError(two, 400, 'BAD_REQUEST');
      const elsewhere = await leavesNothing(() => post().attach('document', PDF, 'a.pdf'));
      expectError(elsewhere, 400, 'BAD_REQUEST');
    });

    it('never uses the client’s file name on disk nor echoes it back', async () => {
      const outside = join(UPLOAD_DIR, '..', 'etc', 'passwd.pdf');
      expect(existsSync(outside)).toBe(false);
      const { result: res, added } = await filesAddedBy(() =>
        upload({ type: 'survey_form' }, { name: '../../etc/passwd.pdf' }),
      );
      expect(res.status).toBe(201);
      expect(JSON.stringify(res.body)).not.toContain('passwd');
      expect(added).toEqual([`${draft.id}/${res.body.id}`]);
      const files = await filesUnder(UPLOAD_DIR);
      expect(files.map((f) => basename(f))).not.toContain('passwd.pdf');
      expect(existsSync(outside)).toBe(false);
    });

    it('refuses an unknown type with 400, leaving nothing', async () => {
      const res = await leavesNothing(() => upload({ type: 'selfie' }));
      expect(expectError(res, 400, 'VALIDATION_FAILED')).toContainEqual(
        expect.objectContaining({ field: 'type' }),
      );
    });

    it('refuses an unknown field with 400, leaving nothing', async () => {
      const res = await leavesNothing(() =>
        t
          .http()
          .post(`/api/applications/${draft.id}/materials`)
          .set(bearer(owner.token))
          .field('type', 'survey_form')
          .field('comment', 'x')
          .attach('file', PDF, 'x.pdf'),
      );
      expect(expectError(res, 400, 'VALIDATION_FAILED')).toContainEqual(
        expect.objectContaining({ code: 'UNKNOWN_FIELD', field: 'comment' }),
      );
    });

    it.each(['__proto__', 'constructor'])(
      'refuses a %s field with 400 UNKNOWN_FIELD, leaving nothing',
      async (key) => {
        const res = await leavesNothing(() =>
          t
            .http()
            .post(`/api/applications/${draft.id}/materials`)
            .set(bearer(owner.token))
            .field('type', 'survey_form')
            .field(key, 'x')
            .attach('file', PDF, 'x.pdf'),
        );
        expect(expectError(res, 400, 'VALIDATION_FAILED')).toEqual([
          expect.objectContaining({ code: 'UNKNOWN_FIELD', field: key }),
        ]);
      },
    );

    it('refuses a memberIdNumber that is not a member with 422 UNKNOWN_MEMBER, leaving nothing', async () => {
      const stranger = familyBody(campaignId, community).members[0].idNumber;
      const res = await leavesNothing(() =>
        upload({ type: 'hukou_identity_proof', memberIdNumber: stranger }),
      );
      expectError(res, 422, 'UNKNOWN_MEMBER');
    });

    it("refuses another application's propertyId with 422 UNKNOWN_PROPERTY, leaving nothing", async () => {
      const other = await createDraft(t, owner.token, familyBody(campaignId, community));
      const res = await leavesNothing(() =>
        upload({ type: 'housing_proof', propertyId: other.properties[0].id }),
      );
      expectError(res, 422, 'UNKNOWN_PROPERTY');
    });

    it('answers 404 to another applicant uploading to my application, leaving nothing', async () => {
      const intruder = await createApplicant(t);
      const res = await leavesNothing(() => upload({ type: 'survey_form' }, {}, intruder.token));
      expectError(res, 404, 'NOT_FOUND');
    });

    it('answers 403 to a reviewer, even of its community, leaving nothing', async () => {
      const reviewer = await createStaff(t, admin, 'community_reviewer', community);
      const res = await leavesNothing(() => upload({ type: 'survey_form' }, {}, reviewer.token));
      expectError(res, 403, 'FORBIDDEN');
    });

    it('answers 404 for an unknown application, leaving nothing', async () => {
      const res = await leavesNothing(() =>
        upload({ type: 'survey_form' }, {}, owner.token, NO_SUCH_ID),
      );
      expectError(res, 404, 'NOT_FOUND');
    });

    it('answers 409 NOT_EDITABLE once the application is submitted, leaving nothing', async () => {
      const ready = await submittedApplication(t, owner.token, familyBody(campaignId, community));
      const res = await leavesNothing(() =>
        upload({ type: 'survey_form' }, {}, owner.token, ready.id),
      );
      expectError(res, 409, 'NOT_EDITABLE');
    });
  });

  describe('GET /api/applications/:id/materials/:materialId', () => {
    let material: { id: string };
    beforeEach(async () => {
      const res = await upload({ type: 'survey_form' }, { content: JPEG, name: 'scan.pdf' });
      expect(res.status).toBe(201);
      material = res.body;
    });
    const download = (token: string, applicationId = draft.id, materialId = material.id) =>
      t.http().get(`/api/applications/${applicationId}/materials/${materialId}`).set(bearer(token));

    it('gives the owner the same bytes, with the type judged at upload, as an attachment', async () => {
      const res = await download(owner.token).buffer(true).parse(bytes);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('image/jpeg');
      expect(res.headers['content-disposition']).toMatch(/^attachment\b/);
      expect(res.headers['content-disposition']).not.toContain('scan.pdf');
      expect(Buffer.compare(res.body as Buffer, JPEG)).toBe(0);
    });

    /** The draft, its other materials uploaded, submitted: staff may see it now. */
    const submitDraft = async () => {
      await uploadMissingMaterials(t, owner.token, draft.id);
      await submitApplication(t, owner.token, draft.id);
    };

    it('gives the community reviewer of its community the file once submitted, not before', async () => {
      const reviewer = await createStaff(t, admin, 'community_reviewer', community);
      expectError(await download(reviewer.token), 404, 'NOT_FOUND');
      await submitDraft();
      const res = await download(reviewer.token).buffer(true).parse(bytes);
      expect(res.status).toBe(200);
      expect(Buffer.compare(res.body as Buffer, JPEG)).toBe(0);
    });

    it('answers 404 to another applicant and to the reviewer of a sibling community', async () => {
      await submitDraft();
      const intruder = await createApplicant(t);
      expectError(await download(intruder.token), 404, 'NOT_FOUND');
      const sibling = await createStaff(
        t,
        admin,
        'community_reviewer',
        tree.towns[0].communities[1],
      );
      expectError(await download(sibling.token), 404, 'NOT_FOUND');
    });

    it("answers 404 for another application's material asked under my application id", async () => {
      const other = await createDraft(t, owner.token, familyBody(campaignId, community));
      const theirs = await upload({ type: 'survey_form' }, {}, owner.token, other.id);
      expect(theirs.status).toBe(201);
      expectError(await download(owner.token, draft.id, theirs.body.id), 404, 'NOT_FOUND');
      expectError(await download(owner.token, draft.id, NO_SUCH_ID), 404, 'NOT_FOUND');
    });
  });

  describe('the checklist', () => {
    it('shrinks by one requirement with each required material uploaded, and only then', async () => {
      const required = draft.missingMaterials;
      expect(required).toHaveLength(8);
      const extra = await upload({ type: 'divorce_certificate' });
      expect(extra.status).toBe(201);
      expect((await getApplication(t, owner.token, draft.id)).missingMaterials).toEqual(required);
      for (const [i, target] of required.entries()) {
        const res = await upload(target);
        expect(res.status).toBe(201);
        const now = await getApplication(t, owner.token, draft.id);
        expect(now.missingMaterials).toEqual(required.slice(i + 1));
      }
    });

    it("does not count a member's proof for another member", async () => {
      const wife = draft.members[1].idNumber;
      const res = await upload({ type: 'hukou_identity_proof', memberIdNumber: wife });
      expect(res.status).toBe(201);
      const { missingMaterials } = await getApplication(t, owner.token, draft.id);
      expect(missingMaterials).toContainEqual({
        type: 'hukou_identity_proof',
        memberIdNumber: husband(),
      });
      expect(missingMaterials).not.toContainEqual({
        type: 'hukou_identity_proof',
        memberIdNumber: wife,
      });
    });
  });
});
