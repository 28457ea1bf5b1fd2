import type { Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Makes the app's server listen on a free port (raw sockets need one); returns the port. */
export async function listen(server: Server): Promise<number> {
  if (!server.listening)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * Writes `head` and then `body` on a fresh connection and returns the status
 * of the first answer (0 if the server closed without one): for requests no
 * HTTP client would send, such as a Content-Length that lies. With `hangUp`
 * the client ends its side once written (a sender that stops short); otherwise
 * it waits for the answer, as Node's server drops the answer to a client that
 * has already hung up.
 */
export function rawExchange(
  port: number,
  head: string,
  body: Buffer,
  { hangUp = false }: { hangUp?: boolean } = {},
): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve(status ? Number(status[1]) : 0);
    };
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', done);
    socket.on('error', () => undefined);
    socket.setTimeout(15_000, () => socket.destroy());
    socket.write(head);
    socket.write(body, () => {
      if (hangUp) socket.end();
    });
  });
}

/** A multipart body with the text fields first, then the file part. */
export function multipart(
  boundary: string,
  fields: Record<string, string>,
  file: { name: string; content: Buffer; contentType?: string },
): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n` +
        `Content-Type: ${file.contentType ?? 'application/pdf'}\r\n\r\n`,
    ),
    file.content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return Buffer.concat(parts);
}

/** Every file under `dir`, relative to it; none when it does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}
