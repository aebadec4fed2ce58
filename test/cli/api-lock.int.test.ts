/**
 * Two `leadflow api` processes on one SQLite database: the second is refused at start-up with an
 * error naming the data folder and the pid of the first, and exits 1; the first keeps serving.
 * Real processes, the shared Temporal dev server, a real SQLite file.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../src/temporal/dev-server';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startLeadflow } from '../support/leadflow-process';

describe('one API process per SQLite database', () => {
  let database: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-api-lock-'));
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when a second leadflow api starts on the same SQLite file, then it is refused naming the folder and the first one pid, and the first keeps serving', async () => {
    if (database.target.provider !== 'sqlite') throw new Error('this test needs SQLite');
    const env = async () => ({
      DATABASE_URL: database.target.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      LEADFLOW_TENANT: `t-${randomBytes(4).toString('hex')}`,
      LEADFLOW_DATA_DIR: dataDir,
      LEADFLOW_WEBHOOK_ALLOW_UNSIGNED: 'true',
      PORT: String(await findFreePort()),
      LOG_LEVEL: 'warn',
    });
    const first = startLeadflow(['api'], await env());
    try {
      const [, url] = await first.waitFor(/API\s+(http:\/\/\S+)\/api/);
      const second = startLeadflow(['api'], await env());
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(
        `the SQLite database in ${path.dirname(database.target.filePath)} is already served by another leadflow API process (pid ${first.child.pid}`,
      );
      expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      expect(await first.stop()).toBe(0);
    }
  });
});
