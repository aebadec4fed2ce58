/**
 * The API lock of a SQLite database (src/cli/api-lock.ts), on real files and real processes: a
 * lock held by a running process refuses, naming the folder and the pid; one left by a process
 * that is gone is taken over; releasing removes only our own lock.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataFolderLockedError, lockSqliteForApi } from '../../src/cli/api-lock';

describe('the API lock of a SQLite database', () => {
  const dirs: string[] = [];
  const databaseFile = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-api-lock-'));
    dirs.push(dir);
    return path.join(dir, 'data', 'leadflow.db');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('when a running process holds the lock, then taking it fails naming the folder, the pid and the lock file', () => {
    const file = databaseFile();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const held = lockSqliteForApi(file, holder.pid);
      expect(readFileSync(held.file, 'utf8').trim()).toBe(String(holder.pid));
      let refused: unknown;
      try {
        lockSqliteForApi(file);
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(DataFolderLockedError);
      expect((refused as Error).message).toContain(path.dirname(file));
      expect((refused as Error).message).toContain(`pid ${holder.pid}`);
      expect((refused as Error).message).toContain(`${file}.api.lock`);
    } finally {
      holder.kill();
    }
  });

  it('when the holder is gone (killed without cleaning up), then the lock is taken over, and released it is gone', () => {
    const file = databaseFile();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    lockSqliteForApi(file, Number(gone.stdout.toString())); // leaves the file, as a SIGKILL would
    const lock = lockSqliteForApi(file);
    expect(readFileSync(lock.file, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
  });

  it('when the lock file was taken over by another process, then releasing ours leaves theirs', () => {
    const file = databaseFile();
    const lock = lockSqliteForApi(file);
    writeFileSync(lock.file, '999999999\n');
    lock.release();
    expect(readFileSync(lock.file, 'utf8').trim()).toBe('999999999');
  });
});
