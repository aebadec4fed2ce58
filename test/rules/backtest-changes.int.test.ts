/**
 * The full list of a backtest's changed decisions (issue #13): more leads change than the job's
 * report keeps (50), so RevOps pages through GET …/changes, downloads …/changes.csv, or reads the
 * CLI's JSON; all three hold every changed lead exactly once, in the same order. RevOps deletes a
 * job (a running one is cancelled), and finished jobs expire. Rows are inserted directly on a real
 * SQLite database; no journey runs.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BacktestChangePageSchema, BacktestJobSchema } from '../../src/api/backtest-routes';
import { loadRulesetFromDir, readRuleTexts } from '../../src/rules/load-dir';
import { BacktestCancelledError, runBacktestJob } from '../../src/usecases/backtest-jobs';
import { sweepExpiredBacktests } from '../../src/usecases/backtest-removal';
import { bearer, createPersonToken, http, startTestSystem, type TestSystem } from '../support/system';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'src/cli/bin.js');
const CAPTURED = Date.parse('2025-03-03T09:00:00Z');
/** More than the report keeps (50), and not a multiple of the page sizes used below. */
const CHANGING = 73;
/** Leads scoring 75 (70 at capture, five page visits): MQLs only when the threshold drops to 75. */
const changingIds = Array.from({ length: CHANGING }, (_, n) => `lead_c${String(n).padStart(3, '0')}`);

let system: TestSystem;
let scratch: string;
let candidateDir: string;
let jobId: string;

function leadflow(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'rules', 'backtest', ...args],
      {
        cwd: ROOT,
        maxBuffer: 64 * 1024 * 1024,
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

/** Stores the changing leads and a few that do not change (one visit short, or MQLs either way). */
async function storeLeads(): Promise<void> {
  const db = system.database.db;
  const leads: { id: string; visits: number; form?: boolean }[] = [
    ...changingIds.map((id) => ({ id, visits: 5 })),
    ...['lead_short1', 'lead_short2'].map((id) => ({ id, visits: 4 })),
    { id: 'lead_form', visits: 0, form: true },
  ];
  await db.lead.createMany({
    data: leads.map(({ id }) => ({
      id,
      tenant: system.config.tenant,
      email: `${id.slice(5)}@acme.example`,
      company: 'Acme',
      title: 'VP Marketing',
      country: 'US',
      source: 'ads',
      sourceDetails: {},
      attributes: { employees: 1200, industry: 'software' },
      journeyId: `journey-${id}`,
      createdAt: new Date(CAPTURED),
    })),
  });
  // Every third lead shares its last visit's minute with the lead before it: ties keep the order found.
  await db.interaction.createMany({
    data: leads.flatMap(({ id, visits, form }, n) =>
      Array.from({ length: form ? 1 : visits }, (_, v) => ({
        id: `${id}:event:${v}`,
        leadId: id,
        kind: form ? 'form-fill' : 'page-visit',
        occurredAt: new Date(CAPTURED + 86_400_000 + (n - (n % 3 === 2 ? 1 : 0)) * 60_000 + v * 1000),
        payload: {},
        idempotencyKey: `${id}:event:${v}`,
      })),
    ),
  });
}

/** Every change of the job, through GET …/changes `limit` at a time. */
async function pageAll(query: string, limit: number): Promise<{ items: Record<string, unknown>[]; pages: number }> {
  const items: Record<string, unknown>[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const response = await http(
      `${system.url}/api/rules/backtests/${jobId}/changes?${query}&limit=${limit}${after ? `&after=${after}` : ''}`,
    );
    expect(response.status).toBe(200);
    const page = BacktestChangePageSchema.parse(response.body);
    items.push(...page.items);
    after = page.nextCursor;
    pages++;
  } while (after !== null);
  return { items, pages };
}

beforeAll(async () => {
  system = await startTestSystem('sqlite', {}, { worker: false });
  scratch = await mkdtemp(path.join(tmpdir(), 'leadflow-backtest-changes-'));
  candidateDir = path.join(scratch, 'candidate');
  await cp(path.join(ROOT, 'rules'), candidateDir, { recursive: true });
  const scoring = await readFile(path.join(candidateDir, 'scoring.yaml'), 'utf8');
  await writeFile(path.join(candidateDir, 'scoring.yaml'), scoring.replace('threshold: 80', 'threshold: 75'));
  await storeLeads();
  const started = await http(`${system.url}/api/rules/backtests`, {
    body: { files: await readRuleTexts(candidateDir), kinds: ['scoring'] },
  });
  expect(started.status).toBe(202);
  jobId = started.body.id;
  let job = started.body;
  for (let i = 0; i < 100 && job.status === 'running'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    job = (await http(`${system.url}/api/rules/backtests/${jobId}`)).body;
  }
  expect(job.status).toBe('done');
}, 120_000);

afterAll(async () => {
  await system?.stop();
  await rm(scratch, { recursive: true, force: true });
});

describe('the full list of a backtest’s changes', () => {
  it('when more leads change than the report keeps, then the report counts them all and lists the first 50', async () => {
    const job = BacktestJobSchema.parse((await http(`${system.url}/api/rules/backtests/${jobId}`)).body);
    expect(job.report!.scoring).toMatchObject({ leads: CHANGING + 3, changedTotal: CHANGING, mqls: { before: 1, after: CHANGING + 1 } });
    expect(job.report!.scoring!.changed).toHaveLength(50);
  });

  it('when paged through, then every changed lead is listed exactly once, the report’s 50 first, the same as the CLI’s JSON', async () => {
    const { items, pages } = await pageAll('kind=scoring', 7);
    expect(pages).toBe(Math.ceil(CHANGING / 7));
    const ids = items.map((item) => item.leadId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(changingIds);
    expect(items.every((item) => item.kind === 'scoring' && item.mqlAtBefore === null)).toBe(true);
    const job = (await http(`${system.url}/api/rules/backtests/${jobId}`)).body;
    expect(items.slice(0, 50).map(({ kind: _kind, ...change }) => change)).toEqual(job.report.scoring.changed);
    // All kinds at once: the same list (this backtest replays scoring only).
    expect((await pageAll('', 500)).items).toEqual(items);

    const run = await leadflow([candidateDir, '--kind', 'scoring', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.scoring.changedTotal).toBe(CHANGING);
    expect(report.scoring.changed).toEqual(items.map(({ kind: _kind, ...change }) => change));
    // The CLI's job and its changes are gone once it printed its report.
    expect(await system.database.db.backtestJob.count()).toBe(1);
    expect(await system.database.db.backtestChange.count({ where: { jobId: { not: jobId } } })).toBe(0);
  }, 30_000);

  it('when downloaded as CSV, then it has a row for every changed lead, in the order of the pages', async () => {
    const response = await fetch(`${system.url}/api/rules/backtests/${jobId}/changes.csv`, {
      headers: bearer(system.revopsToken),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('kind,id,label,at,before,after,flipped,diff');
    const rows = lines.slice(1).filter((line) => line.startsWith('scoring,'));
    expect(rows.map((line) => line.split(',')[1])).toEqual(
      (await pageAll('kind=scoring', 500)).items.map((item) => item.leadId),
    );
  });

  it('when the HTML report is read, then it lists every changed lead, not only the first 50', async () => {
    const response = await fetch(`${system.url}/api/rules/backtests/${jobId}/report.html`, {
      headers: bearer(system.revopsToken),
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`Leads whose MQL outcome changes (${CHANGING})`);
    for (const id of changingIds) expect(html).toContain(`${id.slice(5)}@acme.example`);
  });

  it.each([
    ['limit=0', 'query.limit', 'must be 1–500'],
    ['limit=501', 'query.limit', 'must be 1–500'],
    ['limit=ten', 'query.limit', 'must be a number'],
    ['kind=quotes', 'query.kind', expect.stringContaining('scoring')],
    ['after=-3', 'query.after', 'must be the nextCursor of the previous page'],
    ['page=2', 'query', expect.stringContaining('page')],
  ])('when the query is %s, then 400 names the field', async (query, field, message) => {
    const response = await http(`${system.url}/api/rules/backtests/${jobId}/changes?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.fields).toEqual([{ path: field, message }]);
  });

  it('when the cursor is of no page of this backtest or of another kind, then 422 names after; an unknown backtest is 404', async () => {
    const stray = await http(`${system.url}/api/rules/backtests/${jobId}/changes?after=999999`);
    expect(stray.status).toBe(422);
    expect(stray.body.error.fields).toEqual([{ path: 'query.after', message: expect.stringContaining('is not the nextCursor') }]);
    const first = await http(`${system.url}/api/rules/backtests/${jobId}/changes?kind=scoring&limit=1`);
    const otherKind = await http(
      `${system.url}/api/rules/backtests/${jobId}/changes?kind=routing&after=${first.body.nextCursor}`,
    );
    expect(otherKind.status).toBe(422);
    expect(otherKind.body.error.fields).toEqual([
      {
        path: 'query.after',
        message: 'is the cursor of a scoring change: pass it with kind=scoring, or without kind',
      },
    ]);
    const unknown = 'bt_00000000-0000-4000-8000-00000000ffff';
    expect((await http(`${system.url}/api/rules/backtests/${unknown}/changes`)).status).toBe(404);
    expect((await http(`${system.url}/api/rules/backtests/${unknown}/changes.csv`)).status).toBe(404);
    expect((await http(`${system.url}/api/rules/backtests/nope/changes`)).status).toBe(400);
  });

  it('when a job is deleted, then its changes go with it', async () => {
    const db = system.database.db;
    expect(await db.backtestChange.count({ where: { jobId } })).toBe(CHANGING);
    const { candidate: _candidate, ...copy } = await db.backtestJob.findUniqueOrThrow({ where: { id: jobId } });
    const other = 'bt_00000000-0000-4000-8000-0000000000cc';
    await db.backtestJob.create({ data: { ...copy, id: other, candidate: {}, report: {} } });
    await db.backtestChange.create({
      data: { jobId: other, seq: 1, kind: 'scoring', subjectId: 'x', label: 'x', sortKey: '', before: '', after: '', flipped: '', change: {} },
    });
    await db.backtestJob.delete({ where: { id: other } });
    expect(await db.backtestChange.count({ where: { jobId: other } })).toBe(0);
    expect(await db.backtestChange.count({ where: { jobId } })).toBe(CHANGING);
  });

  /** A copy of the finished job with its changes, under a new id, `finishedAt` as given. */
  async function copyOfJob(id: string, finishedAt = new Date()): Promise<void> {
    const db = system.database.db;
    const { candidate: _candidate, report: _report, ...copy } = await db.backtestJob.findUniqueOrThrow({ where: { id: jobId } });
    await db.backtestJob.create({ data: { ...copy, id, candidate: {}, report: {}, finishedAt, heartbeatAt: finishedAt } });
    const changes = await db.backtestChange.findMany({ where: { jobId } });
    await db.backtestChange.createMany({
      data: changes.map((c) => ({ ...c, jobId: id, change: c.change as object })),
    });
  }

  it('when RevOps deletes a backtest, then it and its changes are gone, it reads as 404, and the audit trail says who', async () => {
    const id = 'bt_00000000-0000-4000-8000-0000000000d1';
    await copyOfJob(id);
    const otherTenant = await createPersonToken(system.database.db, 'other-tenant', 'olga@other.example', 'revops');
    const rep = await system.personToken('rita.rep@example.com', 'rep');
    expect((await http(`${system.url}/api/rules/backtests/${id}`, { method: 'DELETE', headers: bearer(otherTenant) })).status).toBe(404);
    expect((await http(`${system.url}/api/rules/backtests/${id}`, { method: 'DELETE', headers: bearer(rep) })).status).toBe(403);

    const deleted = await http(`${system.url}/api/rules/backtests/${id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await http(`${system.url}/api/rules/backtests/${id}`)).status).toBe(404);
    expect((await http(`${system.url}/api/rules/backtests/${id}/changes`)).status).toBe(404);
    expect(await system.database.db.backtestChange.count({ where: { jobId: id } })).toBe(0);
    expect((await http(`${system.url}/api/rules/backtests/${id}`, { method: 'DELETE' })).status).toBe(404);
    // The shared job is untouched.
    expect(await system.database.db.backtestChange.count({ where: { jobId } })).toBe(CHANGING);

    const audit = await http(`${system.url}/api/audit?subjectType=rules&action=rules.backtest.deleted`);
    expect(audit.body.entries).toEqual([
      expect.objectContaining({
        action: 'rules.backtest.deleted',
        actor: expect.stringContaining('@'),
        details: expect.objectContaining({ backtestId: id, cancelled: false, status: 'done' }),
      }),
    ]);
  });

  it('when a running backtest is deleted, then it stops, leaves no changes behind, and the deletion says it was cancelled', async () => {
    const active = await loadRulesetFromDir(path.join(ROOT, 'rules'));
    const candidate = await loadRulesetFromDir(candidateDir);
    if (!active.ok || !candidate.ok) throw new Error('the rule folders do not load');
    let id = '';
    let calls = 0;
    const run = runBacktestJob(
      {
        db: system.database.db,
        active: () => active.ruleset,
        onStored: (stored) => (id = stored),
        // After the first chunk (its changes stored), RevOps deletes the job while it runs.
        onProgress: async ({ done }) => {
          if (++calls === 1 || done === 0) return;
          expect((await http(`${system.url}/api/rules/backtests/${id}`, { method: 'DELETE' })).status).toBe(204);
        },
      },
      { tenant: system.config.tenant, email: 'revops@example.com' },
      await readRuleTexts(candidateDir),
      { tenant: system.config.tenant, active: active.ruleset, candidate: candidate.ruleset, since: null, until: null, kinds: ['scoring'] },
    );
    await expect(run).rejects.toBeInstanceOf(BacktestCancelledError);
    expect(await system.database.db.backtestJob.count({ where: { id } })).toBe(0);
    expect(await system.database.db.backtestChange.count({ where: { jobId: id } })).toBe(0);
    const audit = await http(`${system.url}/api/audit?subjectType=rules&action=rules.backtest.deleted`);
    expect(audit.body.entries[0]).toMatchObject({ details: { backtestId: id, cancelled: true, status: 'running' } });
  });

  it('when finished backtests are older than the retention, then the sweep deletes them (and stopped runs as old), audited; newer ones stay', async () => {
    const db = system.database.db;
    const now = new Date('2026-06-30T12:00:00Z');
    const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
    const old = 'bt_00000000-0000-4000-8000-0000000000e1';
    const recent = 'bt_00000000-0000-4000-8000-0000000000e2';
    const stopped = 'bt_00000000-0000-4000-8000-0000000000e3';
    await copyOfJob(old, daysAgo(31));
    await copyOfJob(recent, daysAgo(29));
    await copyOfJob(stopped, daysAgo(40));
    await db.backtestJob.update({ where: { id: stopped }, data: { status: 'running', finishedAt: null } });
    // The shared job finished today (by the clock), long after `now`: it stays.

    expect(await sweepExpiredBacktests(db, 0, now)).toBe(0);
    expect(await sweepExpiredBacktests(db, 30, now)).toBe(2);
    const left = await db.backtestJob.findMany({ select: { id: true } });
    expect(left.map((job) => job.id).sort()).toEqual([jobId, recent].sort());
    expect(await db.backtestChange.count({ where: { jobId: { in: [old, stopped] } } })).toBe(0);
    const expired = await http(`${system.url}/api/audit?subjectType=rules&action=rules.backtest.expired`);
    expect(expired.body.entries.map((e: { details: { backtestId: string } }) => e.details.backtestId).sort()).toEqual(
      [old, stopped].sort(),
    );
    expect(expired.body.entries[0]).toMatchObject({ actor: 'system' });
    await db.backtestJob.delete({ where: { id: recent } });
  });
});
