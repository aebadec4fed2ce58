/**
 * Shadow mode against the real system (API, Temporal dev server, worker, SQLite): RevOps shadows a
 * candidate with the MQL threshold lowered from 80 to 75; a lead that scores 76 stays a plain lead
 * in its journey, and the shadow's report names it with the flipped condition. A broken candidate
 * is refused with file:line:col (API and CLI); an ended shadow sees no more decisions; a retried
 * activity keeps one evaluation; a shadow that cannot evaluate leaves the journey alone.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDecisionActivities } from '../../activities/decisions';
import { PrismaRuleVersionStore } from '../../src/db/rule-version-store';
import { leadFacts } from '../../src/domain/lead-facts';
import { readRuleTexts } from '../../src/rules/load-dir';
import { RuleRegistry } from '../../src/rules/registry';
import { providers } from '../support/database';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'src/cli/bin.js');
const SHIPPED = path.join(ROOT, 'rules');
const EMPLOYEES_FACT = 'fact: company.employees, op: ">=", value: 1000';

let system: TestSystem;
let scratch: string;
let loweredDir: string;
let brokenDir: string;
let lowered: Record<string, string>;

const quiet = { info() {}, warn() {}, error() {} };

interface Report {
  shadow: { id: string; status: string; evaluations: number; differences: number };
  byKind: { kind: string; evaluations: number; differences: number }[];
  scoring: { leads: number; mqls: { live: number; shadow: number }; mqlOnlyUnderShadow: number };
  routing: { byTarget: { target: string; live: number; shadow: number }[] };
  changed: {
    items: { lead: string; kind: string; live: string; shadow: string; flipped: string; diff: string[] }[];
    nextCursor: string | null;
  };
}

/** Captures a VP at a 1,200-person software company in the US from an ad: 70 points. */
async function captureLead(email: string): Promise<string> {
  const lead = await http(`${system.url}/api/leads`, {
    body: {
      email,
      firstName: 'Ann',
      company: 'Acme',
      title: 'VP Marketing',
      country: 'US',
      source: 'ads',
      attributes: { employees: 1200, industry: 'software' },
    },
  });
  expect(lead.status, JSON.stringify(lead.body)).toBe(201);
  return lead.body.id as string;
}

async function behave(id: string, type: string): Promise<void> {
  const sent = await http(`${system.url}/api/leads/${id}/events`, { body: { type } });
  expect(sent.status, JSON.stringify(sent.body)).toBeLessThan(300);
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

const leadOf = async (id: string) => (await http(`${system.url}/api/leads/${id}`)).body as { score: number; stage: string };
const report = async (id: string) => (await http(`${system.url}/api/rules/shadows/${id}`)).body as Report;

function leadflow(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'rules', 'shadow', ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: system.database.target.url,
          LEADFLOW_TENANT: system.config.tenant,
          LEADFLOW_DATA_DIR: scratch,
          LEADFLOW_RULES_DIR: SHIPPED,
          LOG_LEVEL: 'silent',
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe.each(providers)('shadowing a lower MQL threshold on %s', (provider) => {
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'leadflow-shadow-'));
    // The system's own copy of the rules folder: activating a version writes it.
    const liveDir = path.join(scratch, 'live');
    await cp(SHIPPED, liveDir, { recursive: true });
    system = await startTestSystem(provider, { LEADFLOW_RULES_DIR: liveDir });
    loweredDir = path.join(scratch, 'lowered');
    brokenDir = path.join(scratch, 'broken');
    await cp(SHIPPED, loweredDir, { recursive: true });
    await cp(SHIPPED, brokenDir, { recursive: true });
    const scoring = await readFile(path.join(SHIPPED, 'scoring.yaml'), 'utf8');
    await writeFile(path.join(loweredDir, 'scoring.yaml'), scoring.replace('threshold: 80', 'threshold: 75'));
    await writeFile(path.join(brokenDir, 'scoring.yaml'), scoring.replace(EMPLOYEES_FACT, EMPLOYEES_FACT.replace('employees', 'employes')));
    lowered = await readRuleTexts(loweredDir);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  let shadowId: string;
  let leadId: string;

  it('when the candidate does not validate, then it is refused with file:line:col and nothing is shadowed', async () => {
    const refused = await http(`${system.url}/api/rules/shadows`, {
      body: { files: await readRuleTexts(brokenDir), reason: 'try 75' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields[0]).toMatchObject({ path: 'files.scoring.yaml' });
    expect(refused.body.error.fields[0].message).toMatch(/^candidate\/scoring\.yaml:\d+:\d+: .*company\.employes/);
    const cli = await leadflow([brokenDir, '--reason', 'try 75']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/scoring\.yaml:\d+:\d+: .*company\.employes/);
    expect(cli.stderr).toContain('nothing is shadowed');
    expect((await http(`${system.url}/api/rules/shadows`)).body).toEqual({ running: null, shadows: [] });
  });

  it('when the request is malformed, then 400 names the field; files and hash together are a 422', async () => {
    const noReason = await http(`${system.url}/api/rules/shadows`, { body: { files: lowered } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields).toEqual([expect.objectContaining({ path: 'reason' })]);
    const both = await http(`${system.url}/api/rules/shadows`, {
      body: { files: lowered, hash: 'deadbeef', reason: 'x' },
    });
    expect(both.status).toBe(422);
    const unknown = await http(`${system.url}/api/rules/shadows/sh_00000000-0000-0000-0000-000000000000`);
    expect(unknown.status).toBe(404);
  });

  it('when a rep starts one, then 403; RevOps starts it, and it is audited', async () => {
    const rep = await system.personToken('rep.shadow@example.com', 'rep');
    const forbidden = await http(`${system.url}/api/rules/shadows`, {
      body: { files: lowered, reason: 'try 75' },
      headers: bearer(rep),
    });
    expect(forbidden.status).toBe(403);
    const started = await http(`${system.url}/api/rules/shadows`, { body: { files: lowered, reason: 'try 75' } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body.replaced).toBeNull();
    expect(started.body.changes).toEqual(['scoring.yaml: MQL threshold 80 → 75']);
    expect(started.body.shadow).toMatchObject({ status: 'running', startedBy: 'revops@leadflow.test', reason: 'try 75' });
    shadowId = started.body.shadow.id;
    const audit = await system.database.db.auditEvent.findMany({
      where: { tenant: system.config.tenant, action: 'rules.shadow.started' },
    });
    expect(audit).toEqual([
      expect.objectContaining({ actor: 'revops@leadflow.test', reason: 'try 75', subjectId: started.body.shadow.versionHash }),
    ]);
  });

  it('when a lead scores 76, then its journey does not make it an MQL, and the report names it as an MQL under the shadow with the flipped threshold', async () => {
    leadId = await captureLead('ann@acme.example');
    await behave(leadId, 'email-click');
    await behave(leadId, 'email-click');
    const lead = await until(() => leadOf(leadId), (l) => l.score === 76);
    expect(lead.score).toBe(76);
    expect(lead.stage).not.toBe('mql');
    const seen = await until(() => report(shadowId), (r) => r.shadow.differences >= 1);
    expect(seen.scoring).toMatchObject({ leads: 1, mqls: { live: 0, shadow: 1 }, mqlOnlyUnderShadow: 1 });
    expect(seen.byKind.find((k) => k.kind === 'scoring')).toMatchObject({ differences: 1 });
    expect(seen.shadow.evaluations).toBeGreaterThanOrEqual(3); // capture, then each click
    expect(seen.changed.items).toEqual([
      expect.objectContaining({
        lead: 'ann@acme.example',
        kind: 'scoring',
        live: 'not-mql',
        shadow: 'mql',
        flipped: expect.stringMatching(/^MQL threshold 80 → 75 at score 76 on \d{4}-\d{2}-\d{2}$/),
      }),
    ]);
    expect(seen.changed.items[0]!.diff[0]).toMatch(/^- Score 76: is below the MQL threshold of 80/);
    // The live journey took no MQL step: no routing decision.
    expect(await system.database.db.decision.count({ where: { leadId, kind: 'routing' } })).toBe(0);
    // A manager reads the report too.
    const manager = await system.personToken('manager.shadow@example.com', 'manager');
    const read = await http(`${system.url}/api/rules/shadows/${shadowId}`, { headers: bearer(manager) });
    expect(read.status).toBe(200);
  });

  it('when a lead becomes an MQL under both, then its routing decision is evaluated too and tallied per target, the same under both', async () => {
    const eve = await captureLead('eve@acme.example');
    await behave(eve, 'form-fill');
    expect(await until(() => leadOf(eve), (l) => l.stage === 'mql')).toMatchObject({ score: 80, stage: 'mql' });
    const seen = await until(
      () => report(shadowId),
      (r) => (r.byKind.find((k) => k.kind === 'routing')?.evaluations ?? 0) >= 1,
    );
    expect(seen.byKind.find((k) => k.kind === 'routing')).toEqual({ kind: 'routing', evaluations: 1, differences: 0 });
    // No region given: routing.yaml sends the lead to the triage queue, under both versions.
    expect(seen.routing.byTarget).toEqual([{ target: 'queue sdr-triage', live: 1, shadow: 1 }]);
    expect(seen.scoring).toMatchObject({ leads: 2, mqls: { live: 1, shadow: 2 }, mqlOnlyUnderShadow: 1 });
  });

  it('when the shadow ends, then later decisions are not evaluated, its report stays, and the end is audited', async () => {
    const ended = await http(`${system.url}/api/rules/shadows/${shadowId}/end`, { body: { reason: 'seen enough' } });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ status: 'ended', endedBy: 'revops@leadflow.test', endReason: 'seen enough' });
    const before = (await report(shadowId)).shadow.evaluations;
    await behave(leadId, 'email-click');
    expect((await until(() => leadOf(leadId), (l) => l.score === 79)).score).toBe(79);
    const after = await report(shadowId);
    expect(after.shadow).toMatchObject({ status: 'ended', evaluations: before, differences: 1 });
    const again = await http(`${system.url}/api/rules/shadows/${shadowId}/end`, { body: { reason: 'twice' } });
    expect(again.status).toBe(409);
    const audit = await system.database.db.auditEvent.findMany({
      where: { tenant: system.config.tenant, action: 'rules.shadow.ended' },
    });
    expect(audit).toEqual([expect.objectContaining({ reason: 'seen enough', actor: 'revops@leadflow.test' })]);
  });

  it('when the scoring activity runs again for a stored decision, then the shadow keeps one evaluation of it', async () => {
    const started = await http(`${system.url}/api/rules/shadows`, { body: { files: lowered, reason: 'again' } });
    expect(started.status).toBe(201);
    const db = system.database.db;
    const registry = new RuleRegistry({ dir: SHIPPED, store: new PrismaRuleVersionStore(db), logger: quiet, watch: false });
    await registry.start();
    const activities = createDecisionActivities({ db, registry, logger: quiet });
    const decide = (input: Parameters<typeof activities.decide>[0]) => activities.decide(input);
    const facts = leadFacts({
      profile: {
        email: 'ann@acme.example',
        company: 'Acme',
        title: 'VP Marketing',
        country: 'US',
        source: 'ads',
        sourceDetails: {},
        attributes: { employees: 1200, industry: 'software' },
      },
      stage: 'new',
      score: 0,
      behaviours: [],
    });
    const input = {
      leadId,
      pinnedVersion: null,
      idempotencyKey: `${leadId}:shadow-retry`,
      request: { kind: 'scoring' as const, facts, now: new Date().toISOString() },
    };
    const first = await decide(input);
    const retried = await decide(input);
    expect(retried.outcome).toEqual(first.outcome);
    const rows = await db.shadowEvaluation.findMany({ where: { decisionId: input.idempotencyKey } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ shadowId: started.body.shadow.id, kind: 'scoring', differs: false });
    // A retry whose first attempt stopped before the shadow saw it: the retry keeps it, once.
    await db.shadowEvaluation.deleteMany({ where: { decisionId: input.idempotencyKey } });
    await decide(input);
    await decide(input);
    expect(await db.shadowEvaluation.count({ where: { decisionId: input.idempotencyKey } })).toBe(1);
    await registry.stop();
  });

  it('when a second shadow starts, then it replaces the running one and says which', async () => {
    const running = (await http(`${system.url}/api/rules/shadows`)).body.running as { id: string };
    const cli = await leadflow([loweredDir, '--reason', 'from the console']);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`shadow ${running.id} of version`);
    expect(cli.stdout).toContain('ended: replaced by this one');
    const list = (await http(`${system.url}/api/rules/shadows`)).body as {
      running: { id: string; reason: string };
      shadows: { id: string; status: string; endReason: string | null }[];
    };
    expect(list.running.reason).toBe('from the console');
    expect(list.shadows.find((s) => s.id === running.id)).toMatchObject({
      status: 'ended',
      endReason: `replaced by shadow ${list.running.id}`,
    });
    const status = await leadflow(['--status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`running: ${list.running.id}`);
    const stopped = await leadflow(['--stop', '--reason', 'done']);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain(`✓ shadow ${list.running.id}`);
    const printed = await leadflow(['--report', shadowId]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('1 of');
    expect(printed.stdout).toMatch(/scoring ann@acme\.example: not-mql → mql: MQL threshold 80 → 75 at score 76/);
  });

  it('when the shadow cannot evaluate, then the journey goes on as if none ran', async () => {
    const db = system.database.db;
    const hash = 'bad0'.repeat(16);
    await db.ruleVersion.create({ data: { hash, files: { 'scoring.yaml': 'scoring: [' } } });
    const broken = await db.ruleShadow.create({
      data: {
        id: 'sh_00000000-0000-0000-0000-0000000000bb',
        tenant: system.config.tenant,
        versionHash: hash,
        startedBy: 'revops@leadflow.test',
        startedAt: new Date(),
        reason: 'a version that no longer loads',
        activeKey: system.config.tenant,
      },
    });
    const id = await captureLead('bea@acme.example');
    await behave(id, 'form-fill');
    const lead = await until(() => leadOf(id), (l) => l.score === 80 && l.stage === 'mql');
    expect(lead).toMatchObject({ score: 80, stage: 'mql' });
    const routed = await until(
      () => db.decision.count({ where: { leadId: id, kind: 'routing' } }),
      (n) => n > 0,
    );
    expect(routed).toBe(1);
    expect(await db.shadowEvaluation.count({ where: { shadowId: broken.id } })).toBe(0);
  });

  it('when the version a running shadow evaluates is activated, then the shadow ends by itself, audited', async () => {
    const started = await http(`${system.url}/api/rules/shadows`, {
      body: { files: lowered, reason: 'try 75 before making it live' },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const shadow = started.body.shadow as { id: string; versionHash: string };
    const activated = await http(`${system.url}/api/rules/activations`, {
      body: { hash: shadow.versionHash, reason: 'the shadow convinced us' },
    });
    expect(activated.status, JSON.stringify(activated.body)).toBeLessThan(300);
    const list = (await http(`${system.url}/api/rules/shadows`)).body as {
      running: unknown;
      shadows: { id: string; status: string; endedBy: string | null; endReason: string | null }[];
    };
    expect(list.running).toBeNull();
    expect(list.shadows.find((s) => s.id === shadow.id)).toMatchObject({
      status: 'ended',
      endedBy: 'system',
      endReason: 'its version went live',
    });
    const audit = await system.database.db.auditEvent.findMany({
      where: { tenant: system.config.tenant, action: 'rules.shadow.ended', actor: 'system' },
    });
    expect(audit).toEqual([expect.objectContaining({ subjectId: shadow.versionHash, reason: 'its version went live' })]);
  });
});
