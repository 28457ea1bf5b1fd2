import { ChildProcess, execFile } from 'node:child_process';

/**
 * Last-resort cleanup: whatever a fault test started (redis-server, worker
 * processes, a PostgreSQL cluster) is ended when the test process exits, even
 * when an assertion or a timeout skipped the test's own teardown.
 */
const children = new Set<ChildProcess>();
const exitHooks = new Set<() => void>();

process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  for (const hook of exitHooks) hook();
});

export function killOnExit(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Registers a synchronous cleanup for process exit; returns its removal. */
export function onExit(hook: () => void): () => void {
  exitHooks.add(hook);
  return () => exitHooks.delete(hook);
}

/** Resolves when the child has exited (at once if it already has). */
export function exitOf(
  child: ChildProcess,
): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Runs a command to completion; rejects with its output when it fails. */
export function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}
