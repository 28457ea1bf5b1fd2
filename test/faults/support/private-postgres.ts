import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { onExit, run } from './processes';

/**
 * A PostgreSQL cluster of the test's own (initdb in a temporary directory, on a
 * free port), so that a test may stop and restart PostgreSQL without touching
 * the server other people's tests share. PostgreSQL refuses to run as root:
 * as root, every server command runs as the `postgres` user, owning the directory.
 */
export class PrivatePostgres {
  private removeExitHook: () => void = () => undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = await mkdtemp(join(tmpdir(), 'hs-fault-pg-'));
    if (isRoot()) await chown(dir, postgresUid(), postgresGid());
    const pg = new PrivatePostgres(await freePort(), dir, postgresBinDir());
    await pg.server('initdb', ['-D', pg.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await pg.up();
    pg.removeExitHook = onExit(() => pg.stopNow());
    return pg;
  }

  /** The server's URL without a database: append `/<name>`. */
  get serverUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}`;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  async up(): Promise<void> {
    await this.server('pg_ctl', [
      '-D',
      this.dataDir,
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`,
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      'start',
    ]);
  }

  /**
   * `immediate` is a crash (no checkpoint; the next start replays the WAL, so
   * every committed transaction is still there); `fast` a clean shutdown.
   */
  async down(mode: 'immediate' | 'fast' = 'immediate'): Promise<void> {
    await this.server('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    this.stopNow();
    this.removeExitHook();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Synchronous, for exit hooks: stops the server if it runs, ignoring failures. */
  private stopNow(): void {
    const [command, args] = asServerUser(join(this.bin, 'pg_ctl'), [
      '-D',
      this.dataDir,
      '-m',
      'immediate',
      'stop',
    ]);
    spawnSync(command, args, { stdio: 'ignore' });
  }

  private async server(program: string, args: string[]): Promise<void> {
    const [command, fullArgs] = asServerUser(join(this.bin, program), args);
    await run(command, fullArgs);
  }
}

const isRoot = (): boolean => userInfo().uid === 0;

function asServerUser(command: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function postgresUid(): number {
  return Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim());
}

function postgresGid(): number {
  return Number(spawnSync('id', ['-g', 'postgres']).stdout.toString().trim());
}

/** TEST_PG_BIN, else the newest /usr/lib/postgresql/<version>/bin (Debian's layout), else PATH. */
function postgresBinDir(): string {
  if (process.env.TEST_PG_BIN) return process.env.TEST_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length > 0) return join(root, versions[0], 'bin');
  const found = spawnSync('pg_config', ['--bindir']).stdout?.toString().trim();
  if (found) return found;
  throw new Error('PostgreSQL server binaries not found: set TEST_PG_BIN');
}
