/**
 * `npm run bench -- backtest --leads=100000`: generates N stored leads (a quarter of captures,
 * 0–6 scored behaviours each, a routing decision with its facts for every fifth) in a fresh SQLite
 * database, then times a backtest job (as the API and the CLI run it, its changes written to their
 * table) of the shipped rules against a candidate whose MQL threshold is 75 instead of 80. Also
 * reports what storing the facts costs per decision (the bytes of the facts JSON of every
 * generated decision, average and p95), and the size of the job's stored report against the full
 * list of changes it no longer holds. The goal: 100k leads in under 30 s. `--keep` keeps the
 * database and prints how to point `leadflow rules backtest` at it (to measure the CLI's memory).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDb, type Db, type Prisma } from '../db/client';
import { resolveDatabaseTarget } from '../db/database-target';
import { applyMigrations } from '../db/migrate';
import { LEAD_SOURCES } from '../domain/lead';
import { leadFacts } from '../domain/lead-facts';
import { seededRandom } from '../domain/seeded-random';
import { BEHAVIOURS, INDUSTRIES } from '../rules/facts';
import { loadRulesetFromTexts } from '../rules/load';
import { readRuleTexts } from '../rules/load-dir';
import type { Ruleset } from '../rules/ruleset';
import { backtestChangePage, withStoredChanges } from '../usecases/backtest-changes';
import { runBacktestJob } from '../usecases/backtest-jobs';
import { percentile } from './percentile';

const TENANT = 'bench-backtest';
const START = Date.parse('2025-01-01T00:00:00Z');
const QUARTER_MS = 90 * 86_400_000;
const TARGET_SECONDS = 30;
const TITLES = ['VP Marketing', 'Head of Sales', 'Marketing Manager', 'CTO', 'Analyst', 'Director of IT', 'Student'];
const EMPLOYEES = [12, 40, 120, 350, 800, 1500, 6000];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'AU', 'BR', 'IN'];
const REGIONS = ['north-america', 'emea', 'apac', 'latam'];

interface Generated {
  leads: number;
  interactions: number;
  decisions: number;
  /** Bytes of each decision's stored facts (JSON), for the storage cost. */
  factBytes: number[];
}

async function generate(db: Db, leads: number): Promise<Generated> {
  const random = seededRandom(13);
  const result: Generated = { leads, interactions: 0, decisions: 0, factBytes: [] };
  const BATCH = 2000;
  for (let start = 0; start < leads; start += BATCH) {
    const leadRows: Prisma.LeadCreateManyInput[] = [];
    const interactionRows: Prisma.InteractionCreateManyInput[] = [];
    const decisionRows: Prisma.DecisionCreateManyInput[] = [];
    for (let i = start; i < Math.min(leads, start + BATCH); i++) {
      const id = `btl_${i.toString().padStart(7, '0')}`;
      const createdAt = START + random() * QUARTER_MS;
      const profile = {
        email: `lead${i}@company${i % 997}.example`,
        company: `Company ${i % 997}`,
        title: random.pick(TITLES),
        country: random.pick(COUNTRIES),
        source: random.pick(LEAD_SOURCES),
        sourceDetails: {},
        attributes: {
          employees: random.pick(EMPLOYEES),
          industry: random.pick(INDUSTRIES),
          region: random.pick(REGIONS),
        },
      };
      leadRows.push({
        id,
        tenant: TENANT,
        email: profile.email,
        company: profile.company,
        title: profile.title,
        country: profile.country,
        source: profile.source,
        sourceDetails: profile.sourceDetails,
        attributes: profile.attributes,
        journeyId: `journey-${id}`,
        createdAt: new Date(createdAt),
      });
      const behaviours: { type: (typeof BEHAVIOURS)[number]; at: string }[] = [];
      const facts = () => leadFacts({ profile, stage: 'new', score: 0, behaviours });
      result.factBytes.push(Buffer.byteLength(JSON.stringify(facts())));
      for (let n = random.int(0, 6); n > 0; n--) {
        const at = new Date(createdAt + random.between(0, 40) * 86_400_000);
        const type = random.pick(BEHAVIOURS);
        behaviours.push({ type, at: at.toISOString() });
        result.factBytes.push(Buffer.byteLength(JSON.stringify(facts())));
        interactionRows.push({
          id: `${id}:e${n}`,
          leadId: id,
          kind: type,
          occurredAt: at,
          payload: {},
          idempotencyKey: `${id}:e${n}`,
        });
      }
      if (i % 5 === 0) {
        const routed = leadFacts({ profile, stage: 'mql', score: 80, behaviours });
        const json = JSON.stringify(routed);
        result.factBytes.push(Buffer.byteLength(json));
        decisionRows.push({
          id: `${id}:routing`,
          leadId: id,
          kind: 'routing',
          outcome: {},
          explanation: {},
          facts: routed,
          rulesetVersion: 'bench',
          decidedAt: new Date(createdAt + 86_400_000),
          idempotencyKey: `${id}:routing`,
        });
      }
    }
    await db.lead.createMany({ data: leadRows });
    await db.interaction.createMany({ data: interactionRows });
    await db.decision.createMany({ data: decisionRows });
    result.interactions += interactionRows.length;
    result.decisions += decisionRows.length;
  }
  return result;
}

async function rulesets(): Promise<{ active: Ruleset; candidate: Ruleset }> {
  const texts = await readRuleTexts(path.join(import.meta.dirname, '../../rules'));
  const load = (files: Record<string, string>) => {
    const loaded = loadRulesetFromTexts(files, { tests: false });
    if (!loaded.ok) throw new Error('the shipped rules do not load; run leadflow rules check');
    return loaded.ruleset;
  };
  return {
    active: load(texts),
    candidate: load({ ...texts, 'scoring.yaml': texts['scoring.yaml']!.replace('threshold: 80', 'threshold: 75') }),
  };
}

/** Runs the backtest bench; resolves to the exit code (1 when 100k-scale runs miss the target). */
export async function benchBacktest(options: { leads: number; keep?: boolean }): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-bench-backtest-'));
  try {
    const target = resolveDatabaseTarget(`file:${path.join(dir, 'bench.db')}`, dir);
    await applyMigrations(target);
    const db = createDb(target);
    const setupStart = performance.now();
    const generated = await generate(db, options.leads);
    const setupSeconds = (performance.now() - setupStart) / 1000;
    const { active, candidate } = await rulesets();
    const started = performance.now();
    const cpu = process.cpuUsage();
    const job = await runBacktestJob(
      { db, active: () => active },
      { tenant: TENANT, email: 'bench' },
      {},
      { tenant: TENANT, active, candidate, since: null, until: null, kinds: ['scoring', 'routing', 'approvals'] },
    );
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    const { report } = job;
    const sizes = await reportSizes(db, job.id);
    await db.$disconnect();
    const bytes = generated.factBytes;
    const average = bytes.reduce((a, b) => a + b, 0) / bytes.length;
    console.log(`\nBacktest: ${options.leads} stored leads (SQLite), threshold 80 → 75`);
    console.log(
      `  generated ${generated.leads} leads, ${generated.interactions} behaviours, ${generated.decisions} routing decisions in ${setupSeconds.toFixed(1)} s`,
    );
    console.log(
      `  backtest: ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU (${Math.round(options.leads / seconds)} leads/s); MQLs ${report.scoring!.mqls.before} → ${report.scoring!.mqls.after}, ${report.scoring!.changedTotal} leads change; ${report.routing!.decisions} routing decisions replayed`,
    );
    console.log(
      `  stored facts per decision: ${Math.round(average)} bytes on average, ${percentile(bytes, 0.95)} bytes p95 (${bytes.length} decisions)`,
    );
    console.log(
      `  job row report: ${kib(sizes.stored)} (first ${report.scoring!.changed.length} changes of each kind); with every change, as before: ${kib(sizes.full)}; ${sizes.rows} BacktestChange rows; a page of 100 changes: ${kib(sizes.page)}`,
    );
    const scaled = (seconds * 100_000) / options.leads;
    console.log(`  at 100k leads: ${scaled.toFixed(1)} s (goal < ${TARGET_SECONDS} s)`);
    return options.leads >= 100_000 && seconds >= TARGET_SECONDS ? 1 : 0;
  } finally {
    // Kept: `leadflow rules backtest` can run on the same leads, e.g. under /usr/bin/time -v for its peak memory.
    if (options.keep)
      console.log(`  database kept: DATABASE_URL=file:${path.join(dir, 'bench.db')} LEADFLOW_TENANT=${TENANT}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes of the job's stored report, of the report with every change (as the row held it before), and of a page. */
async function reportSizes(db: Db, id: string): Promise<{ stored: number; full: number; page: number; rows: number }> {
  const row = await db.backtestJob.findUniqueOrThrow({ where: { id }, select: { report: true } });
  const stored = row.report as unknown as Parameters<typeof withStoredChanges>[2];
  const full = await withStoredChanges(db, id, stored, 'all');
  const page = await backtestChangePage(db, id, { limit: 100 });
  return {
    stored: Buffer.byteLength(JSON.stringify(stored)),
    full: Buffer.byteLength(JSON.stringify(full)),
    page: Buffer.byteLength(JSON.stringify(page)),
    rows: await db.backtestChange.count({ where: { jobId: id } }),
  };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
