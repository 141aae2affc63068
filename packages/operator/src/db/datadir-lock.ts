import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * PGlite has no postmaster to refuse a second opener, and a process killed
 * mid-write leaves its files behind. We keep our own lock file with the
 * owner's pid: a live owner is a clear error, a dead one is recovered.
 */
export interface DataDirLock {
  release(): Promise<void>;
}

export class DataDirLockedError extends Error {
  readonly code = 'data_dir_locked';
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(
      `data directory ${dataDir} is in use by process ${ownerPid}; stop that process or use another --data-dir`,
    );
  }
}

const LOCK_FILE = 'tally.lock';
/** PGlite's own pid file; stale after a kill, and harmless to remove once we hold our lock. */
const PGLITE_PID_FILE = 'postmaster.pid';

export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const lockPath = join(dataDir, LOCK_FILE);
  const ownerPid = await readOwnerPid(lockPath);
  if (ownerPid !== undefined && ownerPid !== process.pid && isAlive(ownerPid)) {
    throw new DataDirLockedError(dataDir, ownerPid);
  }
  if (ownerPid !== undefined) await rm(join(dataDir, PGLITE_PID_FILE), { force: true });
  await writeFile(lockPath, String(process.pid));
  return {
    release: async () => {
      if ((await readOwnerPid(lockPath)) === process.pid) await rm(lockPath, { force: true });
    },
  };
}

async function readOwnerPid(lockPath: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(lockPath, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
