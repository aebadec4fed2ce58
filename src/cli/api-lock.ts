/**
 * One API process per SQLite database. `leadflow start` and `leadflow api` each run an intake
 * dispatcher, an hourly outbox sweep and (with `start`) the embedded dev server whose pid file
 * lives in the data folder; a second one on the same SQLite file would contend for its one write
 * lock on every request and, with `start`, stop the first one's dev server as an orphan. So the
 * second is refused, naming the folder and the pid that holds it. Several API processes need
 * PostgreSQL (docs/operations.md "Scale-out"). Workers are not locked: they may share the file.
 *
 * The lock is a file beside the database holding the holder's pid, created exclusively. A lock
 * whose pid no longer runs (the holder was SIGKILLed) is stale and taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export class DataFolderLockedError extends Error {
  override readonly name = 'DataFolderLockedError';
}

export interface ApiLock {
  file: string;
  release(): void;
}

/** Whether a process with this pid runs (EPERM: it does, as another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holderOf(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Takes the API lock of the SQLite database at `databaseFile` for this process, or throws a
 * DataFolderLockedError naming the folder and the pid holding it.
 */
export function lockSqliteForApi(databaseFile: string, pid = process.pid): ApiLock {
  const file = `${databaseFile}.api.lock`;
  mkdirSync(path.dirname(databaseFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, `${pid}\n`);
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        // Only our own lock: a stale-lock takeover by another process must not be undone.
        if (holderOf(file) === pid) rmSync(file, { force: true });
      };
      process.once('exit', release);
      return { file, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = holderOf(file);
    if (holder !== null && holder !== pid && running(holder))
      throw new DataFolderLockedError(
        `the SQLite database in ${path.dirname(databaseFile)} is already served by another leadflow API process (pid ${holder}; lock file ${file}). ` +
          'Stop that process first, or use another LEADFLOW_DATA_DIR. Several API processes on one database need PostgreSQL (DATABASE_URL=postgresql://…); ' +
          `if pid ${holder} is not leadflow, delete the lock file.`,
      );
    // The holder is gone (killed without a chance to clean up): the lock is stale.
    rmSync(file, { force: true });
  }
  throw new DataFolderLockedError(
    `could not take the API lock ${file} of the SQLite database in ${path.dirname(databaseFile)}: another process took it at the same moment; try again.`,
  );
}
