import type { Response } from 'superagent';
import { TestApp } from '../../support/test-app';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request as the security tests describe it: everything needed to send it again. */
export interface RequestSpec {
  method: Method;
  path: string;
  query?: Record<string, string>;
  /** A JSON value (serialised by superagent) … */
  json?: unknown;
  /** … or the exact bytes of a JSON body, for what JSON.stringify cannot write (1e309, `__proto__` keys). */
  rawJson?: string;
  /** A multipart upload: text fields, then one file part named `file`. */
  upload?: { fields: Record<string, string>; file: Buffer; name: string; contentType?: string };
  headers?: Record<string, string>;
}

/** What came back, read as raw bytes whatever the content type (xlsx, csv, files, JSON). */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  body: unknown;
}

/** Collects the body as bytes: superagent types the parser's argument as its Response, at run time it is the stream. */
export function bytes(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

export async function send(t: TestApp, spec: RequestSpec, token?: string): Promise<Answer> {
  const agent = t.http();
  const method = spec.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  let req = agent[method](spec.path);
  if (spec.query) req = req.query(spec.query);
  if (token) req = req.set('authorization', `Bearer ${token}`);
  for (const [name, value] of Object.entries(spec.headers ?? {})) req = req.set(name, value);
  if (spec.upload) {
    for (const [name, value] of Object.entries(spec.upload.fields)) req = req.field(name, value);
    req = req.attach('file', spec.upload.file, {
      filename: spec.upload.name,
      contentType: spec.upload.contentType ?? 'application/pdf',
    });
  } else if (spec.rawJson !== undefined) {
    const declared = Object.keys(spec.headers ?? {}).some(
      (h) => h.toLowerCase() === 'content-type',
    );
    if (!declared) req = req.set('content-type', 'application/json');
    req = req.send(spec.rawJson);
  } else if (spec.json !== undefined) {
    req = req.send(spec.json as object);
  }
  const res = await req.buffer(true).parse(bytes);
  return toAnswer(res.status, res.headers, res.body as Buffer);
}

export function toAnswer(status: number, headers: Record<string, string>, raw: Buffer): Answer {
  const text = raw.toString('utf8');
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status, headers, text, body };
}

export function describeSpec(spec: RequestSpec): string {
  const query = spec.query ? `?${new URLSearchParams(spec.query).toString()}` : '';
  return `${spec.method} ${spec.path}${query}`;
}
