/**
 * The scenario of issue #13, through the API of the real system (Temporal dev server, worker,
 * SQLite, a rules folder of its own): RevOps lowers the MQL threshold from 80 to 75, backtests it
 * and sees which stored lead would have become an MQL, shadows it and sees a new lead it would
 * make an MQL while the journey does not, activates it (now such a lead becomes an MQL), rolls
 * back, and finds every step in the audit trail.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRuleTexts } from '../../src/rules/load-dir';
import { http, startTestSystem, type TestSystem } from '../support/system';

const SHIPPED = path.resolve(import.meta.dirname, '../../rules');

let system: TestSystem;
let rulesDir: string;

/** Captures a VP at a 1,200-person software company in the US from an ad (70), then two email clicks (+3 each): 76. */
async function leadAt76(email: string): Promise<string> {
  const lead = await http(`${system.url}/api/leads`, {
    body: {
      email,
      company: 'Acme',
      title: 'VP Marketing',
      country: 'US',
      source: 'ads',
      attributes: { employees: 1200, industry: 'software' },
    },
  });
  expect(lead.status, JSON.stringify(lead.body)).toBe(201);
  for (const _ of [1, 2]) await http(`${system.url}/api/leads/${lead.body.id}/events`, { body: { type: 'email-click' } });
  return lead.body.id as string;
}

/** Asks until `done` holds (at most 30 s); returns the last answer either way. */
async function until<T>(ask: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await ask();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const leadOf = async (id: string) =>
  (await http(`${system.url}/api/leads/${id}`)).body as { score: number; stage: string };

beforeAll(async () => {
  rulesDir = await mkdtemp(path.join(tmpdir(), 'leadflow-shadow-scenario-'));
  await cp(SHIPPED, rulesDir, { recursive: true });
  system = await startTestSystem('sqlite', { LEADFLOW_RULES_DIR: rulesDir });
}, 120_000);

afterAll(async () => {
  await system?.stop();
  await rm(rulesDir, { recursive: true, force: true });
});

describe('backtest, shadow, activate, roll back', () => {
  it('when RevOps takes a lower MQL threshold through every step, then each shows what it changes and each is audited', async () => {
    const original = (await http(`${system.url}/api/rules`)).body.activeVersion as string;
    const files = await readRuleTexts(rulesDir);
    const lowered = { ...files, 'scoring.yaml': files['scoring.yaml']!.replace('threshold: 80', 'threshold: 75') };

    // History: a lead at 76, not an MQL.
    const ann = await leadAt76('ann@acme.example');
    expect((await until(() => leadOf(ann), (l) => l.score === 76)).stage).not.toBe('mql');

    // 1. Backtest: one more MQL, and which lead.
    const job = await http(`${system.url}/api/rules/backtests`, { body: { files: lowered, kinds: ['scoring'] } });
    expect(job.status, JSON.stringify(job.body)).toBe(202);
    const done = await until(
      async () => (await http(`${system.url}/api/rules/backtests/${job.body.id}`)).body,
      (b) => b.status !== 'running',
    );
    expect(done.report.scoring.mqls).toEqual({ before: 0, after: 1 });
    expect(done.report.scoring.changed.map((c: { label: string }) => c.label)).toEqual(['ann@acme.example']);

    // 2. Shadow: a new lead at 76 stays a lead; the report names it.
    const started = await http(`${system.url}/api/rules/shadows`, {
      body: { files: lowered, reason: 'threshold 75: watch live leads' },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const shadow = started.body.shadow as { id: string; versionHash: string };
    const ben = await leadAt76('ben@acme.example');
    expect((await until(() => leadOf(ben), (l) => l.score === 76)).stage).not.toBe('mql');
    const report = await until(
      async () => (await http(`${system.url}/api/rules/shadows/${shadow.id}`)).body,
      (r) => r.shadow.differences >= 1,
    );
    expect(report.scoring.mqls).toEqual({ live: 0, shadow: 1 });
    expect(report.changed.items.map((d: { lead: string }) => d.lead)).toEqual(['ben@acme.example']);

    // 3. Activate the shadowed version by its code, and end the shadow.
    const activated = await http(`${system.url}/api/rules/activations`, {
      body: { hash: shadow.versionHash, reason: 'threshold 75 from now on' },
    });
    expect(activated.status, JSON.stringify(activated.body)).toBe(200);
    expect(activated.body).toMatchObject({ activated: true, previous: original, changes: ['scoring.yaml: MQL threshold 80 → 75'] });
    expect(await readFile(path.join(rulesDir, 'scoring.yaml'), 'utf8')).toContain('threshold: 75');
    // Its version went live, so the shadow ended by itself: there is nothing left to compare.
    const ended = (await http(`${system.url}/api/rules/shadows/${shadow.id}`)).body.shadow;
    expect(ended).toMatchObject({ status: 'ended', endedBy: 'system', endReason: 'its version went live' });
    const again = await http(`${system.url}/api/rules/shadows/${shadow.id}/end`, { body: { reason: 'activated' } });
    expect(again.status).toBe(409);
    const cai = await leadAt76('cai@acme.example');
    expect(await until(() => leadOf(cai), (l) => l.stage === 'mql')).toMatchObject({ score: 76, stage: 'mql' });

    // 4. Roll back.
    const rolledBack = await http(`${system.url}/api/rules/activations`, {
      body: { hash: original, reason: 'back to 80' },
    });
    expect(rolledBack.body).toMatchObject({ activated: true, changes: ['scoring.yaml: MQL threshold 75 → 80'] });
    const dee = await leadAt76('dee@acme.example');
    expect((await until(() => leadOf(dee), (l) => l.score === 76)).stage).not.toBe('mql');

    // Every step in the audit trail, oldest first.
    const audit = await http(`${system.url}/api/audit?subjectType=rules`);
    const steps = (audit.body.entries as { action: string; reason: string; actor: string }[])
      .map((e) => `${e.action}: ${e.reason}`)
      .reverse();
    // The activation and the end of the shadow it made pointless happen together, in either order.
    expect(steps[0]).toBe('rules.shadow.started: threshold 75: watch live leads');
    expect(steps.slice(1, 3).sort()).toEqual([
      'rules.activated: threshold 75 from now on',
      'rules.shadow.ended: its version went live',
    ]);
    expect(steps.slice(3)).toEqual(['rules.activated: back to 80']);
  });
});
