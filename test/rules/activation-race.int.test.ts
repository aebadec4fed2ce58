/**
 * Every leadflow process (each `leadflow api` and `leadflow worker`) loads the rules folder and
 * records the version it activates. Several processes starting on a fresh database, or all of them
 * seeing one edit of the folder, do that at the same moment: the activation history must still say
 * what happened once, not once per process. (Four registries in one test process interleave less
 * than four processes do, so the second case races the version store's two steps directly.)
 * PostgreSQL only: SQLite's clients in one Node process cannot stand in for processes, because
 * better-sqlite3 waits for a busy database synchronously and so blocks the transaction it waits for.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/client';
import { PrismaRuleVersionStore } from '../../src/db/rule-version-store';
import { createLogger } from '../../src/logger';
import { loadRulesetFromTexts } from '../../src/rules/load';
import { readRuleTexts } from '../../src/rules/load-dir';
import { RuleRegistry } from '../../src/rules/registry';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';

const PROCESSES = 4;

describe.runIf(providers.includes('postgresql'))(`rules activations recorded by ${PROCESSES} processes at once`, () => {
  const provider = 'postgresql';
  let database: TestDatabase;
  let dir: string;
  /** One connection pool per process, as separate processes have. */
  let clients: Db[];
  let registries: RuleRegistry[];
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    dir = await mkdtemp(path.join(tmpdir(), 'leadflow-activation-race-'));
    await cp(path.resolve('rules'), dir, { recursive: true });
    clients = Array.from({ length: PROCESSES }, () => createDb(database.target));
    const logger = createLogger('silent');
    registries = clients.map(
      (db) => new RuleRegistry({ dir, store: new PrismaRuleVersionStore(db), logger, watch: false }),
    );
  });
  afterAll(async () => {
    for (const db of clients ?? []) await db.$disconnect();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const history = () =>
    new PrismaRuleVersionStore(database.db).activations().then((rows) => rows.map(({ hash, previous }) => ({ hash, previous })));

  it('when they all start on a fresh database, then the history holds one activation of the folder', async () => {
    const started = await Promise.all(registries.map((registry) => registry.start()));
    const version = started[0]!.outcome === 'activated' ? started[0]!.version : '';
    expect(started.map((result) => result.outcome)).toEqual(Array(PROCESSES).fill('activated'));
    expect(await history()).toEqual([{ hash: version, previous: null }]);
  });

  it('when they all record one edit of the folder at the same moment, then it is recorded once, after the first', async () => {
    const [first] = await history();
    const texts = await readRuleTexts(dir);
    const edited = loadRulesetFromTexts({
      ...texts,
      'scoring.yaml': texts['scoring.yaml']!.replace('  threshold: 80', '  threshold: 75'),
    });
    if (!edited.ok) throw new Error('test setup: the edited rules do not load');
    const hash = edited.ruleset.version;
    const at = new Date();
    const stores = clients.map((db) => new PrismaRuleVersionStore(db));
    // What each registry does on a reload: store the version, then record its activation.
    const recorded = await Promise.allSettled(
      stores.map(async (store) => {
        await store.save({ hash, files: edited.ruleset.texts, createdAt: at, activatedAt: at });
        await store.markActivated(hash, at);
      }),
    );
    expect(recorded.map((result) => (result.status === 'rejected' ? lastLine(result.reason) : 'recorded'))).toEqual(
      Array(PROCESSES).fill('recorded'),
    );
    expect(await history()).toEqual([first, { hash, previous: first!.hash }]);
  });
});

/** The last line of an error's message (Prisma's messages start with pages of context). */
function lastLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error)
    .trim()
    .split('\n')
    .at(-1)!;
}
