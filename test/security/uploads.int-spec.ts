import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Server } from 'node:http';
import {
  ApplicationView,
  createApplicant,
  createDraft,
  familyBody,
  PDF,
} from '../factories/applications.factory';
import { createCampaign } from '../factories/campaigns.factory';
import { createRegionTree } from '../factories/regions.factory';
import { adminToken, bearer, createTestApp, resetDatabase, TestApp } from '../support/test-app';
import { TEST_ENV } from '../support/test-env';
import { errorShapeProblems } from './support/contract';
import { changedTables, fingerprint } from './support/db-fingerprint';
import { bytes, toAnswer } from './support/http';
import { filesUnder, listen, multipart, rawExchange } from './support/raw-http';

const UPLOAD_DIR = TEST_ENV.UPLOAD_DIR;
const MAX_BYTES = 10 * 1024 * 1024;
const BOUNDARY = 'security-test-boundary-7d41';

const pdfOfSize = (size: number): Buffer => {
  const content = Buffer.alloc(size, 0x20);
  PDF.copy(content);
  return content;
};

/** A Windows executable's first bytes ("MZ", the DOS stub), then padding. */
const EXE = Buffer.concat([
  Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00', 'latin1'),
  Buffer.alloc(64),
]);
const HTML = Buffer.from(
  '<!doctype html><html><body><script>alert(document.cookie)</script></body></html>',
);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');

/** Whether `path` is a file holding the PDF these tests upload (/etc/passwd exists, but is no PDF). */
const isOurPdf = (path: string): boolean =>
  existsSync(path) &&
  statSync(path).isFile() &&
  readFileSync(path).subarray(0, PDF.length).equals(PDF);

/**
 * Uploads (issue #6): the materials endpoint judges a file by its bytes, keeps
 * it under a name of its own, enforces 10 MB however the client lies, and
 * leaves nothing on disk or in the database when it refuses.
 */
describe('security: uploads', () => {
  let t: TestApp;
  let server: Server;
  let port: number;
  let owner: { token: string };
  let intruder: { token: string };
  let draft: ApplicationView;
  let intruderDraft: ApplicationView;
  let materialId: string;

  beforeAll(async () => {
    t = await createTestApp();
    await resetDatabase(t);
    const admin = await adminToken(t);
    const tree = await createRegionTree(t, admin, 1, 1);
    const community = tree.towns[0].communities[0];
    const campaignId = (await createCampaign(t, admin, tree.countyId, { referenceIncome: 20000 }))
      .id;
    owner = await createApplicant(t);
    intruder = await createApplicant(t);
    draft = await createDraft(t, owner.token, familyBody(campaignId, community));
    intruderDraft = await createDraft(t, intruder.token, familyBody(campaignId, community));
    const res = await upload(owner.token, draft.id, 'scan.pdf', PDF);
    expect(res.status).toBe(201);
    materialId = (res.body as { id: string }).id;
    server = t.app.getHttpServer() as Server;
    port = await listen(server);
  });
  afterAll(() => t.close());

  /** A multipart upload of exactly these bytes (supertest's own encoder would tidy hostile names). */
  async function upload(
    token: string,
    applicationId: string,
    name: string,
    content: Buffer,
    contentType = 'application/pdf',
    fields: Record<string, string> = { type: 'survey_form' },
  ) {
    const res = await t
      .http()
      .post(`/api/applications/${applicationId}/materials`)
      .set(bearer(token))
      .set('content-type', `multipart/form-data; boundary=${BOUNDARY}`)
      .send(multipart(BOUNDARY, fields, { name, content, contentType }))
      .buffer(true)
      .parse(bytes);
    return toAnswer(res.status, res.headers, res.body as Buffer);
  }

  /** The files under the upload dir once they stop changing (removal after a refusal is asynchronous). */
  async function settledFiles(): Promise<string[]> {
    let last = await filesUnder(UPLOAD_DIR);
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const next = await filesUnder(UPLOAD_DIR);
      if (next.join() === last.join()) return next;
      last = next;
    }
    return last;
  }

  /** Runs a refused upload and asserts it left no file anywhere under UPLOAD_DIR and no row. */
  async function leavesNothing<T>(act: () => Promise<T>): Promise<T> {
    const files = await settledFiles();
    const before = await fingerprint(t);
    const result = await act();
    expect(await settledFiles()).toEqual(files);
    expect(changedTables(before, await fingerprint(t))).toEqual([]);
    expect(await filesUnder(resolve(UPLOAD_DIR, 'incoming'))).toEqual([]);
    return result;
  }

  describe('size', () => {
    it('refuses a file of 10 MB + 1 byte with 413 PAYLOAD_TOO_LARGE', async () => {
      const answer = await leavesNothing(() =>
        upload(owner.token, draft.id, 'big.pdf', pdfOfSize(MAX_BYTES + 1)),
      );
      expect(errorShapeProblems(answer, 413, 'PAYLOAD_TOO_LARGE')).toEqual([]);
    });

    const head = (length: string) =>
      `POST /api/applications/${draft.id}/materials HTTP/1.1\r\nHost: localhost\r\n` +
      `Authorization: Bearer ${owner.token}\r\n` +
      `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\n${length}Connection: close\r\n\r\n`;

    it('refuses 10 MB + 1 byte sent chunked, with no Content-Length to go by, with 413', async () => {
      const body = multipart(
        BOUNDARY,
        { type: 'survey_form' },
        { name: 'x.pdf', content: pdfOfSize(MAX_BYTES + 1) },
      );
      const chunked = Buffer.concat([
        Buffer.from(`${body.length.toString(16)}\r\n`),
        body,
        Buffer.from('\r\n0\r\n\r\n'),
      ]);
      const status = await leavesNothing(() =>
        rawExchange(port, head('Transfer-Encoding: chunked\r\n'), chunked),
      );
      expect(status).toBe(413);
    });

    it('answers 4xx to a Content-Length smaller than the 11 MB that follows, leaving nothing', async () => {
      const body = multipart(
        BOUNDARY,
        { type: 'survey_form' },
        { name: 'x.pdf', content: pdfOfSize(MAX_BYTES + MAX_BYTES / 10) },
      );
      const status = await leavesNothing(() =>
        rawExchange(port, head('Content-Length: 1000\r\n'), body),
      );
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    });

    it('leaves nothing when the client promises 11 MB and stops after 64 kB', async () => {
      const body = multipart(
        BOUNDARY,
        { type: 'survey_form' },
        { name: 'x.pdf', content: pdfOfSize(64 * 1024) },
      );
      const status = await leavesNothing(() =>
        rawExchange(
          port,
          head(`Content-Length: ${MAX_BYTES + MAX_BYTES / 10}\r\n`),
          body.subarray(0, 64 * 1024),
          { hangUp: true },
        ),
      );
      // The server may answer 4xx or simply see the connection end: never a success, never a 5xx.
      expect([0, 400, 413]).toContain(status);
    });
  });

  describe('content', () => {
    it.each<[string, Buffer, string, string]>([
      ['a Windows executable named .pdf', EXE, 'invoice.pdf', 'application/pdf'],
      ['a Windows executable named .jpg', EXE, 'photo.jpg', 'image/jpeg'],
      ['an HTML page named .jpg', HTML, 'photo.jpg', 'image/jpeg'],
      ['an HTML page named .pdf', HTML, 'form.pdf', 'application/pdf'],
      ['an SVG with a script named .png', SVG, 'scan.png', 'image/png'],
      ['a ZIP named .pdf', ZIP, 'form.pdf', 'application/pdf'],
      ['a GIF named .png', GIF, 'scan.png', 'image/png'],
      [
        'text that mentions %PDF- after a space',
        Buffer.from(' %PDF-1.4 not really'),
        'a.pdf',
        'application/pdf',
      ],
    ])('refuses %s with 415, leaving nothing', async (_what, content, name, contentType) => {
      const answer = await leavesNothing(() =>
        upload(owner.token, draft.id, name, content, contentType),
      );
      expect(errorShapeProblems(answer, 415, 'UNSUPPORTED_MEDIA_TYPE')).toEqual([]);
    });
  });

  describe('file names', () => {
    it.each([
      ['../../etc/passwd', '../../etc/passwd'],
      ['../../../../../../tmp/owned.pdf', '../../../../../../tmp/owned.pdf'],
      ['..\\..\\x.pdf', '..\\..\\x.pdf'],
      ['/etc/passwd', '/etc/passwd'],
      ['C:\\Windows\\System32\\x.pdf', 'C:\\Windows\\System32\\x.pdf'],
      ['a NUL in the name', 'a\u0000.pdf'],
      ['%2e%2e%2f%2e%2e%2fx.pdf', '%2e%2e%2f%2e%2e%2fx.pdf'],
      ['a right-to-left override (report‮fdp.exe)', 'report\u202efdp.exe'],
      ['a name of 10,004 characters', `${'a'.repeat(10_000)}.pdf`],
    ])(
      'stores a PDF sent as %s under a name of its own, never echoing the name',
      async (_what, name) => {
        const before = await filesUnder(UPLOAD_DIR);
        const answer = await upload(owner.token, draft.id, name, PDF);
        const after = await settledFiles();
        const added = after.filter((f) => !before.includes(f));
        if (answer.status === 201) {
          const id = (answer.body as { id: string }).id;
          expect(added).toEqual([`${draft.id}/${id}`]);
          expect(answer.text).not.toContain(name.slice(0, 20));
          const download = await t
            .http()
            .get(`/api/applications/${draft.id}/materials/${id}`)
            .set(bearer(owner.token));
          expect(download.headers['content-disposition']).toBe(`attachment; filename="${id}.pdf"`);
        } else {
          // Refusing such a name is as good, if it leaves nothing and says so in the contract's shape.
          expect(errorShapeProblems(answer)).toEqual([]);
          expect(answer.status).toBeLessThan(500);
          expect(added).toEqual([]);
        }
        // Wherever the name points, from any directory the service writes in, no upload landed there.
        for (const where of [
          UPLOAD_DIR,
          resolve(UPLOAD_DIR, 'incoming'),
          resolve(UPLOAD_DIR, draft.id),
        ]) {
          expect(
            isOurPdf(resolve(where, name.replaceAll('\\', '/').replaceAll('\u0000', ''))),
          ).toBe(false);
        }
      },
    );
  });

  describe("another household's application", () => {
    it('answers 404 to an upload into it, leaving nothing', async () => {
      const answer = await leavesNothing(() => upload(intruder.token, draft.id, 'x.pdf', PDF));
      expect(errorShapeProblems(answer, 404, 'NOT_FOUND')).toEqual([]);
    });

    it('answers 404 to a download of its material, under its id or under my own', async () => {
      for (const applicationId of [draft.id, intruderDraft.id]) {
        const res = await t
          .http()
          .get(`/api/applications/${applicationId}/materials/${materialId}`)
          .set(bearer(intruder.token))
          .buffer(true)
          .parse(bytes);
        const answer = toAnswer(res.status, res.headers, res.body as Buffer);
        expect(errorShapeProblems(answer, 404, 'NOT_FOUND')).toEqual([]);
        expect(answer.text).not.toContain('%PDF');
      }
    });

    it('refuses a material for one of its members uploaded into mine with 422, leaving nothing', async () => {
      const answer = await leavesNothing(() =>
        upload(intruder.token, intruderDraft.id, 'x.pdf', PDF, 'application/pdf', {
          type: 'hukou_identity_proof',
          memberIdNumber: draft.members[0].idNumber,
        }),
      );
      expect(errorShapeProblems(answer, 422, 'UNKNOWN_MEMBER')).toEqual([]);
    });
  });

  describe('malformed multipart', () => {
    const post = () =>
      t.http().post(`/api/applications/${draft.id}/materials`).set(bearer(owner.token));

    it.each<
      [string, () => Promise<{ status: number; text: string; headers: Record<string, string> }>]
    >([
      [
        'a field value over the 256-byte limit',
        () =>
          upload(owner.token, draft.id, 'x.pdf', PDF, 'application/pdf', { type: 'x'.repeat(300) }),
      ],
      [
        'more text fields than allowed',
        () =>
          upload(owner.token, draft.id, 'x.pdf', PDF, 'application/pdf', {
            type: 'survey_form',
            a: '1',
            b: '2',
            c: '3',
            d: '4',
            e: '5',
          }),
      ],
      [
        'JSON instead of multipart',
        () => post().send({ type: 'survey_form', file: PDF.toString('base64') }),
      ],
      [
        'multipart with no boundary',
        () => post().set('content-type', 'multipart/form-data').send('--x\r\n'),
      ],
      [
        'multipart with no closing boundary',
        () =>
          post()
            .set('content-type', `multipart/form-data; boundary=${BOUNDARY}`)
            .send(
              multipart(
                BOUNDARY,
                { type: 'survey_form' },
                { name: 'x.pdf', content: PDF },
              ).subarray(0, 150),
            ),
      ],
    ])('answers %s with a 4xx in the contract shape, leaving nothing', async (_what, act) => {
      const res = await leavesNothing(act);
      const answer = toAnswer(res.status, res.headers, Buffer.from(res.text ?? ''));
      expect(errorShapeProblems(answer)).toEqual([]);
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    });
  });
});
