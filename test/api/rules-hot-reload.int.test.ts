/**
 * Hot reload and restart against the real system (API, Temporal, database): a valid edit of a
 * rule file becomes the active version and is stored; a broken edit is rejected, the previous
 * version keeps running and the problems show in `/api/rules` and `/health`; a restart on broken
 * files runs the version that was active last, from the database.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { createTestDatabase, sqliteOnly, type TestDatabase } from '../support/database';
import { http, startTestSystem, type TestSystem } from '../support/system';

const SHIPPED_RULES = path.resolve('rules');
const THRESHOLD_80 = '  threshold: 80';
/** A misspelt fact in the first scoring attribute (scoring.yaml line 21). */
const EMPLOYEES_FACT = 'fact: company.employees, op: ">=", value: 1000';
const EMPLOYES_TYPO = 'fact: company.employes, op: ">=", value: 1000';
/** The two shipped scoring tests that expect an MQL at 85 and at 80 points: an MQL threshold of 90 breaks both. */
const MQL_AT_85 = 'expect: { score: 85, mql: true }';
const MQL_AT_80 = 'expect: { score: 80, mql: true }';

/** What `rules check`, the log and `/api/rules` say about those two tests under a threshold of 90. */
const failingTests = (dir: string) => [
  `${dir}/scoring.yaml:163:31: tests[1].expect.mql: test "the same lead becomes an MQL after visiting the pricing page" fails: expected mql true, the rules decide false (Score 85: is below the MQL threshold of 90; fix the rule or this test)`,
  `${dir}/scoring.yaml:184:31: tests[3].expect.mql: test "behaviour points halve after 30 days and vanish after 180" fails: expected mql true, the rules decide false (Score 80: is below the MQL threshold of 90; fix the rule or this test)`,
];

/** A VP at a 1,200-person software company from an ad who visits the pricing page: 80 points. */
async function leadAt80(system: TestSystem, email: string): Promise<{ stage: string; score: number }> {
  const lead = await http(`${system.url}/api/leads`, {
    body: {
      email,
      firstName: 'Ada',
      company: 'Engines Ltd',
      title: 'VP Engineering',
      source: 'ads',
      attributes: { employees: 1200, region: 'north-america', industry: 'software' },
    },
  });
  expect(lead.status, JSON.stringify(lead.body)).toBe(201);
  await http(`${system.url}/api/leads/${lead.body.id}/events`, { body: { type: 'pricing-page-visit' } });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { body } = await http(`${system.url}/api/leads/${lead.body.id}`);
    if (body.score === 80 || Date.now() > deadline) return { stage: body.stage, score: body.score };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface RulesStatus {
  state: 'ok' | 'degraded' | 'error';
  activeVersion: string | null;
  activeFrom: 'files' | 'store' | null;
  lastRejected?: { messages: string[] };
}

/** Asks `GET /api/rules` until `done` holds, for at most 10 s; returns the last status either way. */
async function rulesStatusWhen(system: TestSystem, done: (status: RulesStatus) => boolean): Promise<RulesStatus> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = (await http(`${system.url}/api/rules`)).body as RulesStatus;
    if (done(status) || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(sqliteOnly)('rules hot reload on %s', (provider) => {
  let rulesDir: string;
  let system: TestSystem | undefined;
  // One database for the file (a PostgreSQL one takes seconds to create); each test starts with no stored versions.
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(async () => {
    await database.db.ruleActivation.deleteMany();
    await database.db.ruleVersion.deleteMany();
    rulesDir = await mkdtemp(path.join(tmpdir(), 'leadflow-rules-int-'));
    await cp(SHIPPED_RULES, rulesDir, { recursive: true });
  });
  afterEach(async () => {
    await system?.stop();
    system = undefined;
    await rm(rulesDir, { recursive: true, force: true });
  });

  const start = (options: { watchRules?: boolean; database?: TestDatabase } = {}) =>
    startTestSystem(provider, { LEADFLOW_RULES_DIR: rulesDir }, { database, ...options });

  /** Edits a rule file in the watched copy; fails loudly if `from` is not in it, so a changed shipped file cannot void the test. */
  async function edit(file: string, from: string, to: string): Promise<void> {
    const text = await readFile(path.join(rulesDir, file), 'utf8');
    if (!text.includes(from)) throw new Error(`test setup: "${from}" not in ${file}`);
    await writeFile(path.join(rulesDir, file), text.replace(from, to));
  }

  it('when the MQL threshold is edited, then the new version is active, both versions are stored, and the old text is still served', async () => {
    system = await start({ watchRules: true });
    const original = (await rulesStatusWhen(system, () => true)).activeVersion!;
    const originalScoring = await readFile(path.join(rulesDir, 'scoring.yaml'), 'utf8');

    await edit('scoring.yaml', THRESHOLD_80, '  threshold: 75');
    const status = await rulesStatusWhen(system, (s) => s.activeVersion !== original);

    expect(status).toMatchObject({ state: 'ok', activeFrom: 'files' });
    expect(status.activeVersion).toMatch(/^[0-9a-f]{16}$/);
    expect(status.activeVersion).not.toBe(original);
    const stored = await system.database.db.ruleVersion.findMany({ orderBy: { activatedAt: 'asc' } });
    expect(stored.map((v) => v.hash)).toEqual([original, status.activeVersion]);
    expect(stored[1]?.summary).toBe('scoring.yaml: MQL threshold 80 → 75');
    const old = await http(`${system.url}/api/rules/versions/${original}`);
    expect(old.status).toBe(200);
    expect(old.body.files['scoring.yaml']).toBe(originalScoring);
    expect(old.body.files['scoring.yaml']).toContain(THRESHOLD_80);

    // The activation history, newest first: the edit, after the version the system started on.
    const history = await http(`${system.url}/api/rules/activations`);
    expect(history.status).toBe(200);
    expect(history.body.activations).toEqual([
      {
        hash: status.activeVersion,
        previous: original,
        activatedAt: stored[1]!.activatedAt!.toISOString(),
        summary: 'scoring.yaml: MQL threshold 80 → 75',
        actor: null,
        reason: null,
      },
      expect.objectContaining({ hash: original, previous: null }),
    ]);
    // A restart on the same files goes on with the same version: no new row.
    await system.stop();
    system = undefined;
    const restartedDb = createDb(database.target);
    system = await start({ database: { ...database, db: restartedDb } });
    try {
      expect((await http(`${system.url}/api/rules/activations?limit=5`)).body.activations).toHaveLength(2);
      const since = await http(`${system.url}/api/rules/activations?since=${stored[1]!.activatedAt!.toISOString()}`);
      expect(since.body.activations.map((a: { hash: string }) => a.hash)).toEqual([status.activeVersion]);
      const empty = await http(
        `${system.url}/api/rules/activations?since=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z`,
      );
      expect(empty.status).toBe(422);
      expect(empty.body.error.fields).toEqual([expect.objectContaining({ path: 'query.until' })]);
    } finally {
      await system.stop();
      system = undefined;
      await restartedDb.$disconnect();
    }
  });

  it('when a file is broken after a good edit, then the good version keeps running, degraded, with file:line:col problems in the API and /health', async () => {
    system = await start({ watchRules: true });
    const original = (await rulesStatusWhen(system, () => true)).activeVersion!;
    await edit('scoring.yaml', THRESHOLD_80, '  threshold: 75');
    const good = (await rulesStatusWhen(system, (s) => s.activeVersion !== original)).activeVersion!;

    await edit('scoring.yaml', EMPLOYEES_FACT, EMPLOYES_TYPO);
    const status = await rulesStatusWhen(system, (s) => s.state !== 'ok');

    const problem = `${rulesDir}/scoring.yaml:21:23: attributes[0].tiers[0].when.fact: unknown fact "company.employes" (did you mean "company.employees"?)`;
    expect(status).toMatchObject({
      state: 'degraded',
      activeVersion: good,
      activeFrom: 'files',
      lastRejected: { messages: [problem] },
    });
    const health = await http(`${system.url}/health`);
    expect(health.status).toBe(200);
    expect(health.body.checks.rules).toMatchObject({
      status: 'up',
      state: 'degraded',
      activeVersion: good,
      problems: [problem],
    });
    expect(health.body.checks.rules.message).toContain(`version ${good} keeps running`);
    expect(await system.database.db.ruleVersion.count()).toBe(2);
  });

  it('when the system restarts on broken files, then the version activated last runs again from the database, degraded', async () => {
    system = await start({ watchRules: true });
    const original = (await rulesStatusWhen(system, () => true)).activeVersion!;
    await edit('scoring.yaml', THRESHOLD_80, '  threshold: 75');
    const newest = (await rulesStatusWhen(system, (s) => s.activeVersion !== original)).activeVersion!;
    await edit('scoring.yaml', '  threshold: 75', THRESHOLD_80); // back to the original: activated again, so it is the last activated
    expect((await rulesStatusWhen(system, (s) => s.activeVersion === original)).activeVersion).toBe(original);
    await system.stop();
    system = undefined;
    await edit('scoring.yaml', EMPLOYEES_FACT, EMPLOYES_TYPO);

    // The restarted process: the same database through a new connection, the broken folder.
    const restartedDb = createDb(database.target);
    system = await start({ watchRules: true, database: { ...database, db: restartedDb } });
    try {
      const status = (await http(`${system.url}/api/rules`)).body as RulesStatus;
      expect(status).toMatchObject({ state: 'degraded', activeVersion: original, activeFrom: 'store' });
      expect(status.activeVersion).not.toBe(newest);
      expect(status.lastRejected?.messages).toEqual([
        expect.stringContaining(
          'scoring.yaml:21:23: attributes[0].tiers[0].when.fact: unknown fact "company.employes"',
        ),
      ]);
      const health = await http(`${system.url}/health`);
      expect(health.body.checks.rules).toMatchObject({ status: 'up', state: 'degraded', activeVersion: original });
      expect(health.body.checks.rules.message).toContain(
        `version ${original}, the last one activated, runs from the database`,
      );
    } finally {
      await system.stop();
      system = undefined;
      await restartedDb.$disconnect();
    }
  });

  it("when a threshold change breaks the file's own tests, then it is not activated: the old version keeps deciding and the problems name each failing test; once the tests are fixed, the change is activated", async () => {
    system = await start({ watchRules: true });
    const original = (await rulesStatusWhen(system, () => true)).activeVersion!;

    await edit('scoring.yaml', THRESHOLD_80, '  threshold: 90');
    const rejected = await rulesStatusWhen(system, (s) => s.state !== 'ok');
    expect(rejected).toMatchObject({
      state: 'degraded',
      activeVersion: original,
      activeFrom: 'files',
      lastRejected: { messages: failingTests(rulesDir) },
    });
    const health = await http(`${system.url}/health`);
    expect(health.body.checks.rules).toMatchObject({ state: 'degraded', problems: failingTests(rulesDir) });
    // The threshold of 80 still decides: 80 points make an MQL.
    expect(await leadAt80(system, 'ada.before@engines.io')).toEqual({ stage: 'mql', score: 80 });
    expect(await system.database.db.ruleVersion.count()).toBe(1);

    // RevOps meant it: the tests now expect no MQL at 85 and 80 points.
    await edit('scoring.yaml', MQL_AT_85, 'expect: { score: 85, mql: false }');
    await edit('scoring.yaml', MQL_AT_80, 'expect: { score: 80, mql: false }');
    const activated = await rulesStatusWhen(system, (s) => s.activeVersion !== original);
    expect(activated).toMatchObject({ state: 'ok', activeFrom: 'files' });
    expect(activated.activeVersion).not.toBe(original);
    expect(activated.lastRejected).toBeUndefined();
    const lead = await leadAt80(system, 'ada.after@engines.io');
    expect(lead.score).toBe(80);
    expect(lead.stage).not.toBe('mql');
  });

  it('when the system restarts on files whose own tests fail, then the version activated last runs from the database; with none ever activated, it refuses to start and names the failing tests', async () => {
    await edit('scoring.yaml', THRESHOLD_80, '  threshold: 90');
    await expect(start()).rejects.toThrow(
      `the rules in ${rulesDir} fail their own tests, and no earlier version was ever activated to run instead:\n  ${failingTests(rulesDir).join('\n  ')}\nFix the rule or the test`,
    );

    await edit('scoring.yaml', '  threshold: 90', THRESHOLD_80);
    system = await start();
    const good = (await rulesStatusWhen(system, () => true)).activeVersion!;
    await system.stop();
    await edit('scoring.yaml', THRESHOLD_80, '  threshold: 90');
    const restartedDb = createDb(database.target);
    system = await start({ database: { ...database, db: restartedDb } });
    try {
      const status = (await http(`${system.url}/api/rules`)).body as RulesStatus;
      expect(status).toMatchObject({
        state: 'degraded',
        activeVersion: good,
        activeFrom: 'store',
        lastRejected: { messages: failingTests(rulesDir) },
      });
    } finally {
      await system.stop();
      system = undefined;
      await restartedDb.$disconnect();
    }
  });

  it('when the system restarts on broken files and no version was ever stored, then no rules are active and /health says the rules are down', async () => {
    await edit('scoring.yaml', EMPLOYEES_FACT, EMPLOYES_TYPO);
    system = await start();

    const status = (await http(`${system.url}/api/rules`)).body as RulesStatus;
    expect(status).toMatchObject({ state: 'error', activeVersion: null, activeFrom: null });
    const health = await http(`${system.url}/health`);
    expect(health.body.status).toBe('degraded');
    expect(health.body.checks.rules).toMatchObject({
      status: 'down',
      state: 'error',
      message: expect.stringContaining('no version active') as unknown,
    });
  });
});
