/**
 * The levers benchmark (`npm run bench -- levers --captures=80 --concurrency=20 --rounds=1`): each
 * throughput lever of lead intake on its own, on a fresh `leadflow start` per variant (embedded dev
 * server on SQLite), with the default set-up run again between every two variants, so that each
 * variant is compared with a default measured minutes apart on the same busy machine.
 *
 * Per run: the plain Temporal workflow-start rate on that run's server (the baseline), then
 * `captures` default captures (`POST /api/leads`, answered 202 from the outbox) and the time until
 * every one of those journeys has stored its lead. Reported: journeys stored/s, that rate as a
 * share of the run's plain starts, and relative to the neighbouring default runs; and the history
 * events one journey has written by the time its lead is stored (the round trips per intake).
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { EngineTuning } from '../config';
import { createDb } from '../db/client';
import { resolveDatabaseTarget } from '../db/database-target';
import { drive, launchLeadflow } from './intake';

export interface LeversBenchOptions {
  captures: number;
  concurrency: number;
  /** How many times the whole list of variants runs. */
  rounds: number;
  /** Only the variants whose name contains one of these (all when empty). */
  only: string[];
}

interface Variant {
  name: string;
  tuning?: Partial<EngineTuning>;
  env?: NodeJS.ProcessEnv;
}

const DEFAULT: Variant = { name: 'default' };

/** Each lever on its own; everything else stays at the default. */
const VARIANTS: Variant[] = [
  // The default is WAL with synchronous=FULL (DEFAULT_ENGINE_TUNING); a variant's pragmas are merged over it.
  {
    name: 'dev server DELETE journal (the former default)',
    tuning: { devServerSqlitePragmas: { journal_mode: 'delete' } },
  },
  {
    name: 'dev server WAL + synchronous=NORMAL',
    tuning: { devServerSqlitePragmas: { journal_mode: 'wal', synchronous: 'normal' } },
  },
  {
    name: 'dev server WAL + synchronous=OFF',
    tuning: { devServerSqlitePragmas: { journal_mode: 'wal', synchronous: 'off' } },
  },
  {
    name: 'dev server DELETE journal + synchronous=OFF',
    tuning: { devServerSqlitePragmas: { journal_mode: 'delete', synchronous: 'off' } },
  },
  { name: 'worker workflow tasks 4 at once', tuning: { worker: { maxConcurrentWorkflowTaskExecutions: 4 } } },
  { name: 'worker workflow tasks 200 at once', tuning: { worker: { maxConcurrentWorkflowTaskExecutions: 200 } } },
  { name: 'worker activities 8 at once', tuning: { worker: { maxConcurrentActivityTaskExecutions: 8 } } },
  { name: 'worker cache 20 workflows', tuning: { worker: { maxCachedWorkflows: 20 } } },
  { name: 'worker 1 workflow task poller', tuning: { worker: { maxConcurrentWorkflowTaskPolls: 1 } } },
  { name: 'worker 20 workflow task pollers', tuning: { worker: { maxConcurrentWorkflowTaskPolls: 20 } } },
  { name: 'intake dispatcher 4 at once', env: { LEADFLOW_INTAKE_CONCURRENCY: '4' } },
  { name: 'intake dispatcher 64 at once', env: { LEADFLOW_INTAKE_CONCURRENCY: '64' } },
];

interface Measured {
  variant: string;
  plainPerSecond: number;
  storedPerSecond: number;
  /** History events of one journey once its lead is stored, and their types. */
  events: number;
  eventTypes: string;
  load: string;
}

async function measureVariant(root: string, variant: Variant, options: LeversBenchOptions): Promise<Measured> {
  const leadflow = await launchLeadflow(root, {
    nodeArgs: ['--import', 'tsx', path.join(root, 'src/bench/levers-start.ts'), JSON.stringify(variant.tuning ?? {})],
    env: variant.env,
  });
  const db = createDb(resolveDatabaseTarget(undefined, leadflow.dir));
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address: `127.0.0.1:${leadflow.temporalPort}` });
    const temporal = new Client({ connection, namespace: 'default' });
    const capture = async (email: string, query = '') =>
      (
        await fetch(`${leadflow.url}/api/leads${query}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${leadflow.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ email, firstName: 'Bench', company: 'Bench Co', source: 'events' }),
        })
      ).status;
    await drive(5, 1, (i) => capture(`warm${i}@bench.example`, '?wait=stored'));
    const plain = await drive(options.captures, options.concurrency, async (i) => {
      await temporal.workflow.start('benchPlainStart', { taskQueue: 'bench-plain-starts', workflowId: `plain-${i}` });
      return 200;
    });
    const started = performance.now();
    const ack = await drive(options.captures, options.concurrency, (i) => capture(`lever${i}@bench.example`));
    if ((ack.statuses[202] ?? 0) !== options.captures)
      throw new Error(`${variant.name}: captures answered ${JSON.stringify(ack.statuses)}, not 202 each`);
    while ((await db.intakeSubmission.count({ where: { state: 'pending' } })) > 0)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const stored = (performance.now() - started) / 1000;
    const lead = await db.lead.findFirst({ where: { email: 'lever0@bench.example' }, select: { journeyId: true } });
    const history = lead ? await temporal.workflow.getHandle(lead.journeyId).fetchHistory() : undefined;
    const types = (history?.events ?? []).map(
      (event) => proto.temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? '?',
    );
    return {
      variant: variant.name,
      plainPerSecond: plain.count / plain.seconds,
      storedPerSecond: options.captures / stored,
      events: types.length,
      eventTypes: summariseEvents(types),
      load: os
        .loadavg()
        .map((value) => value.toFixed(1))
        .join(' '),
    };
  } finally {
    await connection?.close();
    await db.$disconnect();
    await leadflow.stop();
  }
}

/** `EVENT_TYPE_WORKFLOW_TASK_COMPLETED` → `wft_completed`, counted by type. */
function summariseEvents(types: string[]): string {
  const short = types.map((type) =>
    type
      .replace('EVENT_TYPE_', '')
      .replace('WORKFLOW_EXECUTION_', 'WF_')
      .replace('WORKFLOW_TASK_', 'WFT_')
      .replace('ACTIVITY_TASK_', 'AT_')
      .toLowerCase(),
  );
  const counted = new Map<string, number>();
  for (const name of short) counted.set(name, (counted.get(name) ?? 0) + 1);
  return [...counted].map(([name, n]) => `${name}×${n}`).join(' ');
}

export async function benchLevers(options: LeversBenchOptions): Promise<number> {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const variants = VARIANTS.filter(
    (variant) => options.only.length === 0 || options.only.some((word) => variant.name.includes(word)),
  );
  // default, two variants, default, two variants, …, default.
  const schedule: Variant[] = [];
  for (let round = 0; round < options.rounds; round++)
    variants.forEach((variant, i) => {
      if (i % 2 === 0) schedule.push(DEFAULT);
      schedule.push(variant);
    });
  schedule.push(DEFAULT);
  const results: Measured[] = [];
  for (const variant of schedule) {
    const result = await measureVariant(root, variant, options);
    results.push(result);
    console.log(
      `${result.variant}: ${result.storedPerSecond.toFixed(2)} stored/s, plain starts ${result.plainPerSecond.toFixed(1)}/s, ${result.events} events; load ${result.load}`,
    );
  }
  const rows: string[][] = [
    ['variant', 'journeys stored/s', '% of plain starts', 'vs neighbouring defaults', 'plain starts/s', 'load avg'],
  ];
  results.forEach((result, i) => {
    let relative = '—';
    if (result.variant !== DEFAULT.name) {
      const before = results.slice(0, i).findLast((r) => r.variant === DEFAULT.name);
      const after = results.slice(i + 1).find((r) => r.variant === DEFAULT.name);
      const defaults = [before, after].filter((r): r is Measured => r !== undefined);
      const reference = defaults.reduce((sum, r) => sum + r.storedPerSecond, 0) / defaults.length;
      relative = `${((result.storedPerSecond / reference) * 100).toFixed(0)}%`;
    }
    rows.push([
      result.variant,
      result.storedPerSecond.toFixed(2),
      `${((result.storedPerSecond / result.plainPerSecond) * 100).toFixed(0)}%`,
      relative,
      result.plainPerSecond.toFixed(1),
      result.load,
    ]);
  });
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(
    `\nleadflow levers benchmark: ${options.captures} captures at concurrency ${options.concurrency} per run, each run on a fresh leadflow start (${os.cpus().length} cores)\n`,
  );
  console.log(rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n'));
  const first = results[0];
  if (first)
    console.log(
      `\nhistory of one journey once its lead is stored (default): ${first.events} events: ${first.eventTypes}`,
    );
  return 0;
}
