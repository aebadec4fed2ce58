/**
 * The first token on a fresh installation: `leadflow api` (as `npm start` would) creates the
 * revops person admin@leadflow.local with a token in <data dir>/admin-token, once.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { bootstrapAdmin } from '../../src/usecases/bootstrap-admin';
import { createLogger } from '../../src/logger';
import { findFreePort } from '../../src/temporal/dev-server';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';
import { startLeadflow } from '../support/leadflow-process';
import { bearer, http } from '../support/system';

describe.each(providers)('first start on %s', (provider) => {
  let database: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-bootstrap-'));
    env = {
      LEADFLOW_DATA_DIR: dataDir,
      DATABASE_URL: database.target.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      LEADFLOW_TENANT: `t-${randomBytes(4).toString('hex')}`,
      PORT: String(await findFreePort()),
      LOG_LEVEL: 'info',
    };
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const adminTokens = () =>
    database.db.apiToken.findMany({
      where: { tenant: env.LEADFLOW_TENANT, personEmail: 'admin@leadflow.local' },
      orderBy: { createdAt: 'asc' },
    });

  it('when leadflow starts twice on one database, then the admin token is created once, kept in a file only its owner can read, and works', async () => {
    const file = path.join(dataDir, 'admin-token');
    const first = startLeadflow(['api'], env);
    let secret: string;
    try {
      const [, apiUrl] = await first.waitFor(/API\s+(http:\/\/\S+)\/api/);
      expect(first.output()).toContain(`admin@leadflow.local (revops) was created with one; it is in ${file}`);
      secret = readFileSync(file, 'utf8').trim();
      expect(secret).toMatch(/^lf_[A-Za-z0-9_-]{43}$/);
      expect(first.output()).not.toContain(secret);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const me = await http(`${apiUrl}/api/me`, { headers: bearer(secret) });
      expect(me.body).toMatchObject({
        email: 'admin@leadflow.local',
        name: 'leadflow admin',
        role: 'revops',
        tenant: env.LEADFLOW_TENANT,
      });
    } finally {
      expect(await first.stop()).toBe(0);
    }

    const second = startLeadflow(['api'], env);
    try {
      await second.waitFor(/is running/);
      expect(second.output()).not.toContain('admin-token');
      expect(second.output()).not.toContain(secret);
    } finally {
      await second.stop();
    }
    expect(readFileSync(file, 'utf8').trim()).toBe(secret);
    expect(await adminTokens()).toHaveLength(1);
  });

  it('when the only revops token has been revoked, then the next start issues a new one and replaces the file', async () => {
    const [old] = await adminTokens();
    await database.db.apiToken.update({ where: { id: old!.id }, data: { revokedAt: new Date() } });
    const file = await bootstrapAdmin(database.db, {
      tenant: env.LEADFLOW_TENANT!,
      dataDir,
      logger: createLogger('silent'),
    });
    expect(file).toBe(path.join(dataDir, 'admin-token'));
    const tokens = await adminTokens();
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).toMatchObject({ revokedAt: null, prefix: readFileSync(file!, 'utf8').slice(0, 8) });
    expect(
      await bootstrapAdmin(database.db, { tenant: env.LEADFLOW_TENANT!, dataDir, logger: createLogger('silent') }),
    ).toBeNull();
  });
});

describe.runIf(providers.includes('postgresql'))('APIs starting at once on a fresh PostgreSQL database', () => {
  it('when four APIs bootstrap the admin at the same moment, then every one starts and exactly one admin token exists, in one data folder', async () => {
    const database = await createTestDatabase('postgresql');
    const tenant = `t-${randomBytes(4).toString('hex')}`;
    // Each API process has a connection pool of its own.
    const apis = Array.from({ length: 4 }, () => ({
      db: createDb(database.target),
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'leadflow-bootstrap-race-')),
    }));
    try {
      const started = await Promise.allSettled(
        apis.map(({ db, dataDir }) => bootstrapAdmin(db, { tenant, dataDir, logger: createLogger('silent') })),
      );
      expect(started.map((result) => (result.status === 'rejected' ? lastLine(result.reason) : 'started'))).toEqual(
        Array(apis.length).fill('started'),
      );
      const files = started.map((result) => (result.status === 'fulfilled' ? result.value : null));
      expect(files.filter((file) => file !== null)).toHaveLength(1);
      expect(await database.db.apiToken.count({ where: { tenant } })).toBe(1);
      expect(await database.db.rep.count({ where: { tenant, email: 'admin@leadflow.local' } })).toBe(1);
    } finally {
      for (const { db, dataDir } of apis) {
        await db.$disconnect();
        rmSync(dataDir, { recursive: true, force: true });
      }
      await database.drop();
    }
  });
});

/** The last line of an error's message (Prisma's messages start with pages of context). */
function lastLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error)
    .trim()
    .split('\n')
    .at(-1)!;
}
