import type { Writable } from 'node:stream';

/** The receiver went away (the client closed the connection) before the export was done. */
export class ExportAbortedError extends Error {
  constructor() {
    super('The export was closed before it was complete');
    this.name = 'ExportAbortedError';
  }
}

/** Writes a chunk; when the stream's buffer is full, waits until it has drained. */
export async function writeChunk(out: Writable, chunk: string | Buffer): Promise<void> {
  if (out.destroyed || out.writableEnded) throw new ExportAbortedError();
  if (!out.write(chunk)) await drained(out);
}

/**
 * Resolves at 'drain' (at once if nothing is waiting); rejects if the stream
 * is gone or closes or fails first, so that the export stops reading.
 */
export function drained(out: Writable): Promise<void> {
  if (out.destroyed) return Promise.reject(new ExportAbortedError());
  if (!out.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', settle);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new ExportAbortedError());
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', settle);
  });
}
