import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import { MaterialContentType, sniffContentType, SNIFF_LENGTH } from './content-type';

/** What the storage engine learnt while streaming one upload to disk. */
export interface StoredUpload {
  path: string;
  size: number;
  sha256: string;
  /** Judged from the first bytes; null when not an allowed type. */
  detectedType: MaterialContentType | null;
}

/** Hashes, counts and keeps the first bytes of what flows through it. */
class Inspector extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  head = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    if (this.head.length < SNIFF_LENGTH) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, SNIFF_LENGTH - this.head.length)]);
    }
    done(null, chunk);
  }
}

/**
 * A multer storage engine that streams each upload straight to a file with a
 * generated name under `<uploadDir>/incoming/`, computing its SHA-256 and
 * sniffing its type on the way; the client's file name is never used. The
 * caller moves the file into place, or deletes it, once it has judged it.
 */
export class HashingDiskStorage implements StorageEngine {
  constructor(private readonly uploadDir: string) {}

  _handleFile(
    _req: Request,
    file: Express.Multer.File,
    callback: (error?: unknown, info?: Partial<Express.Multer.File> & StoredUpload) => void,
  ): void {
    const dir = join(this.uploadDir, 'incoming');
    const path = join(dir, randomUUID());
    const inspector = new Inspector();
    mkdir(dir, { recursive: true })
      .then(() => pipeline(file.stream, inspector, createWriteStream(path, { flags: 'wx' })))
      .then(() =>
        callback(null, {
          path,
          size: inspector.size,
          sha256: inspector.hash.digest('hex'),
          detectedType: sniffContentType(inspector.head),
        }),
      )
      .catch(async (error: unknown) => {
        await rm(path, { force: true });
        callback(error);
      });
  }

  _removeFile(
    _req: Request,
    file: Express.Multer.File,
    callback: (error: Error | null) => void,
  ): void {
    rm(file.path, { force: true }).then(
      () => callback(null),
      (error: Error) => callback(error),
    );
  }
}
