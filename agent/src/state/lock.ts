// PGlite is one process's database: a second process opening <stateDir>/state would corrupt it.
// `run` and `sync` hold this lock; `status` reads status.json instead while it is held.
import { readFileSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export class StateLockedError extends Error {
  readonly pid: number;
  constructor(pid: number, stateDir: string) {
    super(`another zhengtong-agent (pid ${pid}) is using ${stateDir}; stop it first (状态目录正被另一进程使用)`);
    this.name = 'StateLockedError';
    this.pid = pid;
  }
}

export const lockPath = (stateDir: string) => join(stateDir, 'agent.lock');

/** The pid holding the lock, or null when free (a lock left by a dead process counts as free). */
export function lockHolder(stateDir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(lockPath(stateDir), 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

export function acquireLock(stateDir: string): () => void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = lockPath(stateDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = lockHolder(stateDir);
      if (holder !== null) throw new StateLockedError(holder, stateDir);
      try {
        unlinkSync(file); // stale: its process is gone
      } catch {
        /* raced with another starter; the retry decides */
      }
    }
  }
  const holder = lockHolder(stateDir);
  throw new StateLockedError(holder ?? 0, stateDir);
}
