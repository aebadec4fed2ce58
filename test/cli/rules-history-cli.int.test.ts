/**
 * `leadflow rules diff` and `leadflow rules activate`, run as the real executable against a real
 * database and rules folder with leadflow stopped, the way RevOps rolls back from a terminal.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaRuleVersionStore } from '../../src/db/rule-version-store';
import { loadRulesetFromTexts } from '../../src/rules/load';
import { readRuleTexts } from '../../src/rules/load-dir';
import { createTestDatabase, sqliteOnly, type TestDatabase } from '../support/database';
import { runLeadflow } from '../support/leadflow-process';

const SHIPPED_RULES = path.resolve('rules');

describe.each(sqliteOnly)('leadflow rules diff and activate on %s', (provider) => {
  let database: TestDatabase;
  let dir: string;
  let env: Record<string, string>;
  let shipped: string;
  let lowered: string;
  const leadflow = (...args: string[]) => runLeadflow(['rules', ...args], env);

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    dir = await mkdtemp(path.join(tmpdir(), 'leadflow-rules-history-'));
    await cp(SHIPPED_RULES, dir, { recursive: true });
    env = { DATABASE_URL: database.target.url, LEADFLOW_TENANT: 'default', LEADFLOW_RULES_DIR: dir };
    // History: the shipped version, then the threshold lowered to 75, which the folder holds now.
    const texts = await readRuleTexts(SHIPPED_RULES);
    const lower = { ...texts, 'scoring.yaml': texts['scoring.yaml']!.replace('  threshold: 80', '  threshold: 75') };
    const store = new PrismaRuleVersionStore(database.db);
    const versions: string[] = [];
    for (const [i, files] of [texts, lower].entries()) {
      const loaded = loadRulesetFromTexts(files);
      if (!loaded.ok) throw new Error('test setup: the rules do not load');
      const at = new Date(Date.UTC(2026, 0, 1 + i));
      await store.save({ hash: loaded.ruleset.version, files, createdAt: at, activatedAt: at });
      await store.markActivated(loaded.ruleset.version, at);
      versions.push(loaded.ruleset.version);
    }
    shipped = versions[0]!;
    lowered = versions[1]!;
    await writeFile(path.join(dir, 'scoring.yaml'), lower['scoring.yaml']);
  });
  afterAll(async () => {
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('when two versions are diffed by hash prefix and folder, then the change is printed in words, as text or JSON', async () => {
    const text = await leadflow('diff', shipped.slice(0, 8), dir);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`${shipped} → ${dir} (${lowered})\n  scoring.yaml: MQL threshold 80 → 75\n`);
    const json = await leadflow('diff', dir, shipped, '--format', 'json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      from: lowered,
      to: shipped,
      changes: [{ file: 'scoring.yaml', what: 'MQL threshold', before: '75', after: '80' }],
    });
    const neither = await leadflow('diff', dir, 'not-a-version');
    expect(neither.code).toBe(1);
    expect(neither.stderr).toContain('"not-a-version" is neither a rules folder nor a version hash');
  });

  it('when an unknown hash or no reason is given, then nothing changes and the exit code says so', async () => {
    const unknown = await leadflow('activate', 'deadbeef', '--reason', 'typo');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no rules version "deadbeef" is stored');
    const noReason = await leadflow('activate', shipped);
    expect(noReason.code).toBe(2);
    expect(await readFile(path.join(dir, 'scoring.yaml'), 'utf8')).toContain('  threshold: 75');
    expect(await database.db.ruleActivation.count()).toBe(2);
  });

  it('when a stored hash is activated with a reason, then the folder holds it and the history and audit trail say who and why', async () => {
    const run = await leadflow(
      'activate',
      shipped.slice(0, 10),
      '--reason',
      'MQLs doubled',
      '--actor',
      'ana@example.com',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `✓ rules version ${shipped} activated by ana@example.com (was ${lowered}): MQLs doubled`,
    );
    expect(run.stdout).toContain('  scoring.yaml: MQL threshold 75 → 80');
    expect(await readRuleTexts(dir)).toEqual(await readRuleTexts(SHIPPED_RULES));
    const latest = await database.db.ruleActivation.findFirst({ orderBy: { id: 'desc' } });
    expect(latest).toMatchObject({
      hash: shipped,
      previous: lowered,
      actor: 'ana@example.com',
      reason: 'MQLs doubled',
      summary: 'scoring.yaml: MQL threshold 75 → 80',
    });
    const audit = await database.db.auditEvent.findMany({ where: { subjectType: 'rules' } });
    expect(audit).toEqual([
      expect.objectContaining({
        subjectId: shipped,
        action: 'rules.activated',
        actor: 'ana@example.com',
        reason: 'MQLs doubled',
      }),
    ]);
    // Again: it is the active one already; nothing new is recorded.
    const again = await leadflow('activate', shipped, '--reason', 'again');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('is the active one already');
    expect(await database.db.ruleActivation.count()).toBe(3);
  });
});
