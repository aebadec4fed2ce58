/**
 * `npx tsx src/bench/metrics-state.ts [leads]`: what one scrape of the state gauges costs
 * (src/metrics/state.ts) on a migrated SQLite database of `leads` leads (default 100 000), with a
 * deal per ten leads, two emails per lead (one in a thousand still pending) and one SLA in ten
 * running. Prints the median and the slowest of 15 scrapes. The database is a temporary file,
 * removed afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createDb } from '../db/client';
import { resolveDatabaseTarget } from '../db/database-target';
import { applyMigrations } from '../db/migrate';
import { LEAD_STAGES } from '../domain/lead';
import { readStateMetrics } from '../metrics/state';

const SCRAPES = 15;
const SLA_STATUSES = ['none', 'met', 'breached', 'none', 'met', 'breached', 'none', 'met', 'breached', 'running'];

function fill(file: string, leads: number): void {
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  const lead = raw.prepare(
    `INSERT INTO Lead (id, tenant, email, source, sourceDetails, attributes, stage, slaStatus, journeyId, createdAt, updatedAt)
     VALUES (?, 'default', ?, 'events', '{}', '{}', ?, ?, ?, 0, 0)`,
  );
  const deal = raw.prepare(
    `INSERT INTO Deal (id, tenant, leadId, accountId, name, ownerEmail, stage, workflowId, needs, createdAt, updatedAt)
     VALUES (?, 'default', ?, 'acc', 'deal', 'owner@example.com', 'proposal', 'wf', '{}', 0, 0)`,
  );
  const email = raw.prepare(
    `INSERT INTO OutboundEmail (id, leadId, toAddress, fromAddress, subject, text, status, createdAt)
     VALUES (?, ?, 'to@example.com', 'from@example.com', 'subject', 'text', ?, 0)`,
  );
  raw.transaction(() => {
    raw.exec(`INSERT INTO Account (id, tenant, name, createdAt, updatedAt) VALUES ('acc', 'default', 'Account', 0, 0)`);
    for (let i = 0; i < leads; i++) {
      lead.run(`ld_${i}`, `lead${i}@example.com`, LEAD_STAGES[i % LEAD_STAGES.length], SLA_STATUSES[i % 10], `j_${i}`);
      if (i % 10 === 0) deal.run(`dl_${i}`, `ld_${i}`);
      email.run(`em_${i}_a`, `ld_${i}`, 'sent');
      email.run(`em_${i}_b`, `ld_${i}`, i % 1000 === 0 ? 'pending' : 'sent');
    }
  })();
  raw.close();
}

async function main(): Promise<void> {
  const leads = Number(process.argv[2] ?? 100_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-metrics-bench-'));
  try {
    const file = path.join(dir, 'leadflow.db');
    const target = resolveDatabaseTarget(`file:${file}`, dir);
    await applyMigrations(target);
    fill(file, leads);
    const db = createDb(target);
    const times: number[] = [];
    for (let i = 0; i < SCRAPES; i++) {
      const started = performance.now();
      await (await readStateMetrics({ db })).metrics();
      times.push(performance.now() - started);
    }
    await db.$disconnect();
    times.sort((a, b) => a - b);
    console.log(
      `state gauges on SQLite, ${leads} leads, ${leads / 10} deals, ${leads * 2} emails: ` +
        `median ${times[Math.floor(SCRAPES / 2)]!.toFixed(1)} ms, slowest ${times.at(-1)!.toFixed(1)} ms of ${SCRAPES} scrapes`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
