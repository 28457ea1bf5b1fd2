import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';

/** A file this old that no row records is left over from a crash (no upload takes an hour). */
export const ORPHAN_AGE_MS = 60 * 60_000;
export const SWEEP_INTERVAL_MS = 60 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface SweepResult {
  /** Uploads streamed to `incoming/` and never judged (the process died meanwhile). */
  incoming: number;
  /** Files moved into place whose row was never written (the process died between the two). */
  unrecorded: number;
}

/**
 * Deletes what a crash can leave in UPLOAD_DIR: an upload is streamed to
 * `incoming/`, judged, renamed to `<application>/<material>`, then recorded;
 * a process killed between two of these steps leaves a file nothing refers
 * to. Only files older than an hour are touched, so an upload in flight in
 * any process is never swept. Runs in the workers, at start-up and hourly.
 */
@Injectable()
export class UploadSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UploadSweeper');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly db: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    const sweep = () =>
      this.sweep().catch((e: Error) => this.logger.warn(`upload sweep failed: ${e.message}`));
    void sweep();
    this.timer = setInterval(() => void sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(now = Date.now()): Promise<SweepResult> {
    const root = this.config.uploadDir;
    const result: SweepResult = { incoming: 0, unrecorded: 0 };
    const incoming = join(root, 'incoming');
    for (const name of await entries(incoming))
      if (await removeIfOld(join(incoming, name), now)) result.incoming += 1;
    for (const applicationId of (await entries(root)).filter((n) => UUID.test(n))) {
      const dir = join(root, applicationId);
      const files = (await entries(dir)).filter((n) => UUID.test(n));
      if (files.length === 0) continue;
      const recorded: { id: string }[] = await this.db.query(
        `SELECT id FROM materials WHERE application_id = $1 AND id = ANY($2::uuid[])`,
        [applicationId, files],
      );
      const known = new Set(recorded.map((r) => r.id));
      for (const file of files.filter((f) => !known.has(f)))
        if (await removeIfOld(join(dir, file), now)) result.unrecorded += 1;
    }
    if (result.incoming + result.unrecorded > 0)
      this.logger.warn(
        `swept ${result.incoming} unjudged and ${result.unrecorded} unrecorded upload(s)`,
      );
    return result;
  }
}

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function removeIfOld(path: string, now: number): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile() || now - info.mtimeMs < ORPHAN_AGE_MS) return false;
  await rm(path, { force: true });
  return true;
}
