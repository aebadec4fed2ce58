/**
 * Rollback against the real system (API, Temporal, database, a watched rules folder): a RevOps user
 * activates an older stored version through the API; it is live at once, the folder holds its
 * files (so hot reload does not flip back), the activation history and the audit trail name who
 * and why, an unknown hash changes nothing, and the next edit of the folder starts from the
 * activated text.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/database';
import { createPersonToken, http, startTestSystem, type TestSystem } from '../support/system';

const SHIPPED_RULES = path.resolve('rules');
const REVOPS = 'revops@leadflow.test';

interface RulesStatus {
  state: string;
  activeVersion: string | null;
}

describe.each(providers)('rules rollback through the API on %s', (provider) => {
  let rulesDir: string;
  let system: TestSystem;

  beforeAll(async () => {
    rulesDir = await mkdtemp(path.join(tmpdir(), 'leadflow-rules-rollback-'));
    await cp(SHIPPED_RULES, rulesDir, { recursive: true });
    system = await startTestSystem(provider, { LEADFLOW_RULES_DIR: rulesDir }, { watchRules: true });
  });
  afterAll(async () => {
    await system?.stop();
    await rm(rulesDir, { recursive: true, force: true });
  });

  async function edit(file: string, from: string, to: string): Promise<void> {
    const text = await readFile(path.join(rulesDir, file), 'utf8');
    if (!text.includes(from)) throw new Error(`test setup: "${from}" not in ${file}`);
    await writeFile(path.join(rulesDir, file), text.replace(from, to));
  }

  const status = async () => (await http(`${system.url}/api/rules`)).body as RulesStatus;

  async function statusWhen(done: (s: RulesStatus) => boolean): Promise<RulesStatus> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const s = await status();
      if (done(s) || Date.now() > deadline) return s;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('when RevOps activates an older hash, then it is live, the folder holds it, history and audit say who and why, and later edits build on it', async () => {
    const original = (await status()).activeVersion!;
    await edit('scoring.yaml', '  threshold: 80', '  threshold: 75');
    const lowered = (await statusWhen((s) => s.activeVersion !== original)).activeVersion!;
    expect(lowered).not.toBe(original);

    // The dashboard's diff of the two stored versions.
    const diff = await http(`${system.url}/api/rules/diff?from=${lowered}&to=${original.slice(0, 10)}`);
    expect(diff.status).toBe(200);
    expect(diff.body).toEqual({
      from: lowered,
      to: original,
      changes: [
        {
          file: 'scoring.yaml',
          kind: 'scoring',
          what: 'MQL threshold',
          change: 'changed',
          before: '75',
          after: '80',
          text: 'scoring.yaml: MQL threshold 75 → 80',
        },
      ],
    });

    // A rep may not roll back.
    const repToken = await system.personToken('rep.rollback@example.com', 'rep');
    const byRep = await http(`${system.url}/api/rules/activations`, {
      headers: { authorization: `Bearer ${repToken}` },
      body: { hash: original, reason: 'no' },
    });
    expect(byRep.status).toBe(403);
    // Nor may RevOps of another tenant: the live rules are the whole installation's.
    const otherTenant = await createPersonToken(system.database.db, 'another-tenant', 'olga@other.example', 'revops');
    const byOtherTenant = await http(`${system.url}/api/rules/activations`, {
      headers: { authorization: `Bearer ${otherTenant}` },
      body: { hash: original, reason: 'ours' },
    });
    expect(byOtherTenant.status).toBe(403);
    expect(byOtherTenant.body.error.message).toContain('shared by every tenant');
    expect((await status()).activeVersion).toBe(lowered);

    const rollback = await http(`${system.url}/api/rules/activations`, {
      body: { hash: original, reason: 'MQL volume doubled overnight' },
    });
    expect(rollback.status, JSON.stringify(rollback.body)).toBe(200);
    expect(rollback.body).toEqual({
      activated: true,
      hash: original,
      previous: lowered,
      actor: REVOPS,
      reason: 'MQL volume doubled overnight',
      changes: ['scoring.yaml: MQL threshold 75 → 80'],
    });
    // Live at once, and the folder agrees.
    expect((await status()).activeVersion).toBe(original);
    expect(await readFile(path.join(rulesDir, 'scoring.yaml'), 'utf8')).toBe(
      await readFile(path.join(SHIPPED_RULES, 'scoring.yaml'), 'utf8'),
    );

    // The hot reload the write caused (300 ms debounce) finds nothing new: no flip back, no extra row.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await status()).activeVersion).toBe(original);
    const history = await http(`${system.url}/api/rules/activations`);
    expect(history.body.activations).toHaveLength(3);
    expect(history.body.activations[0]).toMatchObject({
      hash: original,
      previous: lowered,
      actor: REVOPS,
      reason: 'MQL volume doubled overnight',
      summary: 'scoring.yaml: MQL threshold 75 → 80',
    });
    expect(history.body.activations[1]).toMatchObject({ hash: lowered, actor: null, reason: null });

    const audit = await http(`${system.url}/api/audit?subjectType=rules`);
    expect(audit.status).toBe(200);
    expect(audit.body.entries).toEqual([
      expect.objectContaining({
        subjectType: 'rules',
        subjectId: original,
        action: 'rules.activated',
        actor: REVOPS,
        reason: 'MQL volume doubled overnight',
      }),
    ]);

    // An unknown hash: 404, and the live version is unchanged.
    const unknown = await http(`${system.url}/api/rules/activations`, {
      body: { hash: 'deadbeefdeadbeef', reason: 'typo' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('the live version is unchanged');
    expect((await status()).activeVersion).toBe(original);
    expect((await http(`${system.url}/api/rules/activations`)).body.activations).toHaveLength(3);

    // The next edit of the folder starts from the activated text: the threshold stays 80.
    await edit('routing.yaml', '{ rep: alice, weight: 2 }', '{ rep: alice, weight: 3 }');
    const edited = (await statusWhen((s) => s.activeVersion !== original)).activeVersion!;
    const latest = (await http(`${system.url}/api/rules/activations`)).body.activations[0];
    expect(latest).toMatchObject({
      hash: edited,
      previous: original,
      summary: 'routing.yaml: pool enterprise-na member alice weight 2 → 3',
      actor: null,
    });
    expect((await http(`${system.url}/api/rules/versions/${edited}`)).body.files['scoring.yaml']).toContain(
      '  threshold: 80',
    );
  });
});
