/**
 * The backtest as RevOps runs it on a real SQLite database holding stored leads: `leadflow rules
 * backtest` in a child process (table, JSON, HTML), and the API job (202, progress, report,
 * report.html). The scenario of issue #13: copy rules/, lower the MQL threshold from 80 to 75, and
 * see which leads would have become MQLs. Rows are inserted directly; no journey runs.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BacktestJobSchema } from '../../src/api/backtest-routes';
import { readRuleTexts } from '../../src/rules/load-dir';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'src/cli/bin.js');
const DAY = 86_400_000;
const CAPTURED = Date.parse('2025-03-03T09:00:00Z');

let system: TestSystem;
let scratch: string;
let candidateDir: string;

/** Stores a lead scoring 70 at capture (1,200 employees, software, VP, US, ads), then its behaviours on day 2. */
async function storeLead(name: string, kind: string, count: number): Promise<void> {
  const id = `lead_${name}`;
  await system.database.db.lead.create({
    data: {
      id,
      tenant: system.config.tenant,
      email: `${name}@acme.example`,
      company: 'Acme',
      title: 'VP Marketing',
      country: 'US',
      source: 'ads',
      sourceDetails: {},
      attributes: { employees: 1200, industry: 'software' },
      journeyId: `journey-${id}`,
      createdAt: new Date(CAPTURED),
    },
  });
  await system.database.db.interaction.createMany({
    data: Array.from({ length: count }, (_, n) => ({
      id: `${id}:event:${n}`,
      leadId: id,
      kind,
      occurredAt: new Date(CAPTURED + 2 * DAY + n * 60_000),
      payload: {},
      idempotencyKey: `${id}:event:${n}`,
    })),
  });
}

/** The HTML report page, as a browser with the revops token reads it. */
async function reportPage(id: string): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`${system.url}/api/rules/backtests/${id}/report.html`, {
    headers: bearer(system.revopsToken),
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

function leadflow(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'rules', 'backtest', ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: system.database.target.url,
          LEADFLOW_TENANT: system.config.tenant,
          LEADFLOW_DATA_DIR: scratch,
          LOG_LEVEL: 'silent',
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  system = await startTestSystem('sqlite', {}, { worker: false });
  scratch = await mkdtemp(path.join(tmpdir(), 'leadflow-backtest-'));
  candidateDir = path.join(scratch, 'candidate');
  await cp(path.join(ROOT, 'rules'), candidateDir, { recursive: true });
  const scoring = await readFile(path.join(candidateDir, 'scoring.yaml'), 'utf8');
  await writeFile(path.join(candidateDir, 'scoring.yaml'), scoring.replace('threshold: 80', 'threshold: 75'));
  // ann 75, ben 76 and cai 79 become MQLs at 75; dee (74) stays below; eve (80) is an MQL under both.
  await storeLead('ann', 'page-visit', 5);
  await storeLead('ben', 'email-click', 2);
  await storeLead('cai', 'email-click', 3);
  await storeLead('dee', 'page-visit', 4);
  await storeLead('eve', 'form-fill', 1);
}, 120_000);

afterAll(async () => {
  await system?.stop();
  await rm(scratch, { recursive: true, force: true });
});

describe('leadflow rules backtest', () => {
  it('when the threshold drops to 75, then the JSON report names the leads that become MQLs, by week and source', async () => {
    const run = await leadflow([candidateDir, '--kind', 'scoring', '--format', 'json', '--until', '2025-03-09']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.scoring.leads).toBe(5);
    expect(report.scoring.mqls).toEqual({ before: 1, after: 4 });
    expect(report.scoring.mqlsBySource).toEqual([{ source: 'ads', before: 1, after: 4 }]);
    expect(report.scoring.mqlsByWeek).toEqual([{ week: '2025-03-03', before: 1, after: 4 }]);
    expect(report.scoring.changed.map((c: { label: string }) => c.label).sort()).toEqual([
      'ann@acme.example',
      'ben@acme.example',
      'cai@acme.example',
    ]);
    const ann = report.scoring.changed.find((c: { label: string }) => c.label === 'ann@acme.example');
    expect(ann).toMatchObject({
      mqlAtBefore: null,
      mqlAtAfter: '2025-03-05T09:04:00.000Z',
      flipped: 'MQL threshold 80 → 75 at score 75 on 2025-03-05',
    });
  });

  it('when a lead has scoring decisions with stored facts, then those are replayed, not its record', async () => {
    // The record says nothing of the company; the journey's decisions saw a 1,200-person software company.
    const id = 'lead_fay';
    const db = system.database.db;
    await db.lead.create({
      data: {
        id,
        tenant: system.config.tenant,
        email: 'fay@acme.example',
        source: 'ads',
        sourceDetails: {},
        attributes: {},
        journeyId: `journey-${id}`,
        createdAt: new Date(CAPTURED + 14 * DAY),
      },
    });
    const facts = (behaviours: { type: string; at: string }[]) => ({
      company: { employees: 1200, industry: 'software', country: 'US' },
      contact: { seniority: 'vp', freeEmail: false },
      source: { channel: 'ads' },
      lead: { score: 0, stage: 'new' },
      behaviours,
    });
    const clickAt = new Date(CAPTURED + 15 * DAY).toISOString();
    for (const [n, at, seen] of [
      [0, new Date(CAPTURED + 14 * DAY), []],
      [1, new Date(clickAt), [{ type: 'email-click', at: clickAt }, { type: 'email-click', at: clickAt }]],
    ] as const)
      await db.decision.create({
        data: {
          id: `${id}:scoring:${n}`,
          leadId: id,
          kind: 'scoring',
          outcome: {},
          explanation: {},
          facts: facts([...seen]),
          rulesetVersion: 'earlier',
          decidedAt: at,
          idempotencyKey: `${id}:scoring:${n}`,
        },
      });
    const run = await leadflow([candidateDir, '--kind', 'scoring', '--format', 'json', '--since', '2025-03-17']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.scoring).toMatchObject({ leads: 1, decisions: 2, mqls: { before: 0, after: 1 } });
    expect(report.scoring.changed[0]).toMatchObject({ label: 'fay@acme.example', scoreAfter: 76, mqlAtAfter: clickAt });
  });

  it('when asked for HTML into a file, then the page lists the leads and the command says where it wrote it', async () => {
    const out = path.join(scratch, 'report.html');
    const run = await leadflow([candidateDir, '--format', 'html', '--out', out, '--since', '2025-03-01']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`wrote ${out}`);
    const html = await readFile(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('ann@acme.example');
  });

  it('when the candidate does not validate, then it is refused with the file:line:col diagnostics of rules check', async () => {
    const broken = path.join(scratch, 'broken');
    await cp(candidateDir, broken, { recursive: true });
    const routing = await readFile(path.join(broken, 'routing.yaml'), 'utf8');
    await writeFile(path.join(broken, 'routing.yaml'), routing.replace('assign: { pool: mid-market }', 'assign: { pool: mid-markt }'));
    const run = await leadflow([broken]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`${broken}/routing\\.yaml:\\d+:\\d+: .*"mid-markt"`));
    expect(run.stderr).toContain('the candidate cannot be backtested');
  });

  it('when the range holds no stored leads, then it says so instead of printing an empty report', async () => {
    const run = await leadflow([candidateDir, '--since', '2024-01-01', '--until', '2024-01-31']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      'nothing to backtest: there are no stored leads, routing decisions or quotes between 2024-01-01 and 2024-02-01',
    );
  });
});

describe('POST /api/rules/backtests', () => {
  it('when a candidate is posted, then a job answers 202 and finishes with the report and its HTML page', async () => {
    const files = await readRuleTexts(candidateDir);
    const started = await http(`${system.url}/api/rules/backtests`, { body: { files, kinds: ['scoring'], since: '2025-03-01', until: '2025-03-09' },
    });
    expect(started.status).toBe(202);
    expect(started.headers.get('location')).toBe(`/api/rules/backtests/${started.body.id}`);
    expect(started.body).toMatchObject({ status: 'running', total: 5, kinds: ['scoring'] });
    let job = started.body;
    for (let i = 0; i < 100 && job.status === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await http(`${system.url}/api/rules/backtests/${started.body.id}`)).body;
    }
    expect(BacktestJobSchema.parse(job)).toMatchObject({ status: 'done', done: 5, total: 5 });
    expect(job.report.scoring.mqls).toEqual({ before: 1, after: 4 });
    const page = await reportPage(job.id);
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.text).toContain('cai@acme.example');
  });

  it('when the candidate does not validate, then 422 names each problem as file:line:col', async () => {
    const files = await readRuleTexts(candidateDir);
    files['scoring.yaml'] = files['scoring.yaml']!.replace('threshold: 75', 'threshold: lots');
    const response = await http(`${system.url}/api/rules/backtests`, { body: { files } });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('unprocessable');
    expect(response.body.error.fields).toEqual([
      { path: 'files.scoring.yaml', message: expect.stringMatching(/^candidate\/scoring\.yaml:\d+:\d+: mql\.threshold: /) },
    ]);
  });

  it('when the range holds no data, then 422 says there is nothing to backtest', async () => {
    const files = await readRuleTexts(candidateDir);
    const response = await http(`${system.url}/api/rules/backtests`, {
      body: { files, since: '2030-01-01', until: '2030-03-31' },
    });
    expect(response.status).toBe(422);
    expect(response.body.error.message).toMatch(/^nothing to backtest: there are no stored leads, routing decisions or quotes between 2030-01-01 and 2030-04-01/);
  });

  it('when a day is empty, malformed or not in the calendar, then 400 or 422 names the field, never a 500', async () => {
    const files = await readRuleTexts(candidateDir);
    const empty = await http(`${system.url}/api/rules/backtests`, { body: { files, since: '0000-01-01', until: '' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields).toEqual([{ path: 'until', message: expect.stringContaining('YYYY-MM-DD') }]);
    const notADay = await http(`${system.url}/api/rules/backtests`, { body: { files, until: '2026-02-30' } });
    expect(notADay.status).toBe(422);
    expect(notADay.body.error.fields).toEqual([{ path: 'until', message: 'is not a calendar date' }]);
  });

  it('when the process running a job stopped, then the job reads as failed with the reason', async () => {
    const id = 'bt_00000000-0000-4000-8000-000000000000';
    await system.database.db.backtestJob.create({
      data: {
        id,
        tenant: system.config.tenant,
        status: 'running',
        candidate: {},
        candidateVersion: 'c',
        activeVersion: 'a',
        kinds: 'scoring',
        total: 10,
        done: 3,
        createdAt: new Date(Date.now() - 300_000),
        heartbeatAt: new Date(Date.now() - 120_000),
      },
    });
    const response = await http(`${system.url}/api/rules/backtests/${id}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'failed', done: 3, report: null });
    expect(response.body.error).toMatch(/^interrupted: the process running it stopped/);
    expect((await reportPage(id)).status).toBe(409);
  });

  it('when a rep asks, then it is forbidden', async () => {
    const token = await system.personToken('rita.rep@example.com', 'rep');
    const response = await http(`${system.url}/api/rules/backtests`, {
      body: { files: {} },
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(403);
  });
});
