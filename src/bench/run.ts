/**
 * `npm run bench`: the rules benchmark, the analytics benchmark (./analytics.ts), then the
 * workspace benchmark (./workspace.ts: the pipeline board in Chromium, `--deals=N`). Arguments:
 * `rules`, `analytics`, `workspace` or `intake` runs only that one (the backtest benchmark, ./backtest.ts, runs
 * only when named: `npm run bench -- backtest --leads=100000`, the default, `--keep` keeping its database; the intake benchmark,
 * ./intake.ts, runs only when named: `npm run bench -- intake --concurrency=1,10,50 --requests=40`;
 * so does the buying-signal one, ./signal.ts: `npm run bench -- signal --leads=20`,
 * so does the levers one, ./levers.ts: `npm run bench -- levers --captures=80 --concurrency=20 [--only=WAL,worker]`,
 * so does the bulk intake one, ./bulk.ts: `npm run bench -- bulk --rows=2000`, and the shadow one, ./shadow.ts:
 * `npm run bench -- shadow --decisions=2000`, and the scale-out one, ./scale.ts: `npm run bench:scale`, that is
 * `npm run bench -- scale --rounds=3 --captures=60 --concurrency=8 [--database=postgresql://…] [--temporal=postgresql]`); `--leads=N` (default 2000), `--runs=N` (default 5, after `--warmup=N` rounds not counted, default 1) and
 * `--reports=deals,funnel` (default all) size the analytics one, `--breakdown=rep` (any dimension) breaks every
 * report down, `--period=running` reads a month still under way (December 2025 on the 17th) instead of a closed one,
 * `--as=manager` reads as a manager (manager1 and five reps) instead of revops, and `--database=URL` runs it on a
 * database of your own (kept, and reused when it holds as many generated leads), e.g.
 * `npm run bench -- analytics --leads=100000 --runs=3 --reports=volume,deals,pipeline` or
 * `npm run bench -- analytics --leads=1000000 --database=postgresql://postgres:postgres@localhost/leadflow_bench --baseline=skip`
 * (`--baseline=skip`: the reports alone, without the naive baseline, which reads every row into memory).
 *
 * Rules: evaluations per second of the fast evaluator against json-rules-engine
 * used the plain way (one Engine, nested facts read through JSONPath), measured in the
 * same run on the same leads, for the shipped scoring.yaml and a generated 500-rule
 * file. Also checks that both decide identically, outcome and explanation, for every
 * lead measured. Exits 1 on any difference.
 */
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { buildEngine, comparable, scoreWithEngine, scoringRules } from './engine-reference';
import { generateScoringYaml, randomFacts, randomSource } from './generate-rules';
import { evaluateScoring } from '../rules/evaluate-scoring';
import { loadRulesetFromTexts } from '../rules/load';
import { readRuleTexts } from '../rules/load-dir';
import type { Ruleset } from '../rules/ruleset';
import type { Facts } from '../rules/schema/facts';
import { formatDiagnostic } from '../rules/types';
import { BENCH_PERIOD_LABEL, BENCH_PERIODS, BENCH_READERS, benchAnalytics } from './analytics';
import { benchWorkspace } from './workspace';
import { benchIntake } from './intake';
import { benchBacktest } from './backtest';
import { benchBulk } from './bulk';
import { benchShadow } from './shadow';
import { benchScale } from './scale';
import { benchLevers } from './levers';
import { benchSignal } from './signal';
import { percentile } from './percentile';
import { DIMENSIONS, type Dimension } from '../domain/analytics/facts';
import { REPORTS, type ReportName } from '../usecases/analytics/reports';

/** Issue #13: evaluation, explanations included, at least 100× plain json-rules-engine on the shipped scoring.yaml. */
const TARGET_RATIO = 100;
const NOW = new Date('2025-06-01T12:00:00Z');

interface Scenario {
  label: string;
  ruleset: Ruleset;
  baselineLeads: number;
  /** How long each evaluator runs in a round. */
  roundMs: number;
  /** The speed-up the median must reach, or null when the scenario is only reported. */
  target: number | null;
}

async function loadScenarios(): Promise<Scenario[]> {
  const texts = await readRuleTexts(join(import.meta.dirname, '..', '..', 'rules'));
  const load = (replace: Record<string, string>) => {
    const result = loadRulesetFromTexts({ ...texts, ...replace }, { tests: false });
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    return result.ruleset;
  };
  return [
    { label: 'shipped scoring.yaml', ruleset: load({}), baselineLeads: 3000, roundMs: 100, target: TARGET_RATIO },
    {
      label: 'generated 500-rule scoring file',
      ruleset: load({ 'scoring.yaml': generateScoringYaml(500, 11) }),
      baselineLeads: 150,
      roundMs: 150,
      target: null,
    },
  ];
}

/** A stretch of evaluations: how many ran and how long they took. */
interface Stretch {
  count: number;
  ms: number;
}

/**
 * Runs `run` over `leads` (from `cursor`, wrapping around) for at least `ms` milliseconds and at
 * least one lead. Returns the stretch and where the next one starts.
 */
async function runFor(
  leads: readonly Facts[],
  cursor: number,
  ms: number,
  run: (facts: Facts) => unknown,
): Promise<Stretch & { cursor: number }> {
  let count = 0;
  let at = cursor;
  const started = performance.now();
  do {
    const result = run(leads[at]!);
    if (result instanceof Promise) await result;
    at = (at + 1) % leads.length;
    count++;
  } while (performance.now() - started < ms);
  return { count, ms: performance.now() - started, cursor: at };
}

/**
 * Both evaluators, interleaved in short rounds: each round runs the baseline and the fast path for
 * `roundMs` each, alternating which goes first, so a busy spell of the machine falls on both
 * alike. The speed-up is the median of the rounds' ratios; their spread shows how noisy the run was.
 */
async function interleaved(
  leads: readonly Facts[],
  rounds: number,
  roundMs: number,
  baselineRun: (facts: Facts) => unknown,
  fastRun: (facts: Facts) => unknown,
): Promise<{ baseline: number; fast: number; ratios: number[] }> {
  let baselineCursor = 0;
  let fastCursor = 0;
  const baseline: Stretch = { count: 0, ms: 0 };
  const fast: Stretch = { count: 0, ms: 0 };
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const runBaseline = async () => {
      const stretch = await runFor(leads, baselineCursor, roundMs, baselineRun);
      baselineCursor = stretch.cursor;
      return stretch;
    };
    const runFast = async () => {
      const stretch = await runFor(leads, fastCursor, roundMs, fastRun);
      fastCursor = stretch.cursor;
      return stretch;
    };
    const [b, f] =
      round % 2 === 0
        ? [await runBaseline(), await runFast()]
        : await runFast().then(async (f) => [await runBaseline(), f] as const);
    baseline.count += b.count;
    baseline.ms += b.ms;
    fast.count += f.count;
    fast.ms += f.ms;
    ratios.push(f.count / f.ms / (b.count / b.ms));
  }
  return { baseline: (baseline.count / baseline.ms) * 1000, fast: (fast.count / fast.ms) * 1000, ratios };
}

async function measure(
  scenario: Scenario,
  rounds: number,
): Promise<{ row: string[]; identical: boolean; ratio: number; target: number | null }> {
  const { ruleset } = scenario;
  const random = randomSource(42);
  const leads = Array.from({ length: scenario.baselineLeads }, () => randomFacts(random, NOW) as Facts);
  const engine = buildEngine(scoringRules(ruleset.scoring));

  let differences = 0;
  for (const facts of leads) {
    const fast = evaluateScoring(ruleset, facts, NOW);
    const reference = await scoreWithEngine(engine, ruleset.scoring, facts, NOW);
    const sameOutcome =
      JSON.stringify(fast.outcome) === JSON.stringify(reference.outcome) &&
      fast.explanation.summary === reference.explanation.summary &&
      JSON.stringify(fast.explanation.reasons) === JSON.stringify(reference.explanation.reasons);
    const sameTraces = fast.explanation.rules.every(
      (t) => JSON.stringify(comparable(t)) === JSON.stringify(comparable(reference.traces.get(t.rule)!)),
    );
    if (!sameOutcome || !sameTraces) differences++;
  }

  for (const facts of leads.slice(0, 200)) evaluateScoring(ruleset, facts, NOW); // warm up the compiled closures
  const { baseline, fast, ratios } = await interleaved(
    leads,
    rounds,
    scenario.roundMs,
    (facts) => scoreWithEngine(engine, ruleset.scoring, facts, NOW),
    (facts) => evaluateScoring(ruleset, facts, NOW),
  );
  const ratio = percentile(ratios, 0.5);
  const rules = scoringRules(ruleset.scoring).length;
  return {
    identical: differences === 0,
    ratio,
    target: scenario.target,
    row: [
      scenario.label,
      String(rules),
      fmt(baseline),
      `${(1e6 / baseline).toFixed(1)} µs`,
      fmt(fast),
      `${(1e6 / fast).toFixed(2)} µs`,
      `${ratio.toFixed(1)}×`,
      `${Math.min(...ratios).toFixed(1)}–${Math.max(...ratios).toFixed(1)}× (p25–p75 ${percentile(ratios, 0.25).toFixed(1)}–${percentile(ratios, 0.75).toFixed(1)})`,
      scenario.target === null ? '—' : `≥ ${scenario.target}×`,
      differences === 0 ? `identical (${leads.length} leads)` : `${differences} DIFFER`,
    ],
  };
}

function fmt(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString('en-US')}/s`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
}

async function benchRules(): Promise<number> {
  const header = [
    'scenario',
    'rules',
    'json-rules-engine',
    'per lead',
    'leadflow fast path',
    'per lead',
    'speed-up (median)',
    'spread of the rounds',
    'target',
    'outcomes + explanations',
  ];
  const rounds = numberArgument('rounds', 21);
  const results = [];
  for (const scenario of await loadScenarios()) results.push(await measure(scenario, rounds));
  console.log(
    `leadflow rules benchmark (node ${process.version}; baseline: one json-rules-engine Engine, nested facts via JSONPath;\n` +
      `${rounds} interleaved rounds, each running both for a moment, alternating which goes first)\n`,
  );
  console.log(table([header, ...results.map((r) => r.row)]));
  const slow = results.filter((r) => r.target !== null && r.ratio < r.target).length;
  console.log(
    `\ntarget: median speed-up ≥ ${TARGET_RATIO}× on the shipped scoring.yaml, with identical outcomes and explanations: ${slow === 0 ? 'met' : 'NOT met'}`,
  );
  return results.every((r) => r.identical) ? 0 : 1;
}

/** `--name=N` from the command line, a whole number of `least` (1 unless given) or more, or `fallback`. */
function numberArgument(name: string, fallback: number, least = 1): number {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const value = given === undefined ? fallback : Number(given);
  if (!Number.isInteger(value) || value < least)
    throw new Error(`--${name} must be a whole number of ${least} or more`);
  return value;
}

function reportName(name: string): ReportName {
  const report = REPORTS.find((known) => known === name);
  if (!report) throw new Error(`--reports: unknown report "${name}"; the reports are ${REPORTS.join(', ')}`);
  return report;
}

/** The analytics target of issue #12: p95 per report, by provider. */
const ANALYTICS_TARGET_MS = { sqlite: 1000, postgresql: 500 } as const;

async function benchAnalyticsReports(): Promise<number> {
  const leads = numberArgument('leads', 2000);
  const runs = numberArgument('runs', 5);
  const warmup = numberArgument('warmup', 1, 0);
  const listed = process.argv.find((arg) => arg.startsWith('--reports='))?.slice('--reports='.length);
  const reports = listed ? listed.split(',').map((name) => reportName(name)) : [...REPORTS];
  const database = process.argv.find((arg) => arg.startsWith('--database='))?.slice('--database='.length);
  const baselineArg = process.argv.find((arg) => arg.startsWith('--baseline='))?.slice('--baseline='.length);
  if (baselineArg !== undefined && baselineArg !== 'skip')
    throw new Error(
      `--baseline=${baselineArg}: the only value is "skip" (measure the reports without the naive baseline)`,
    );
  const baseline = baselineArg === undefined;
  const breakdown = dimensionArgument();
  const periodArg = process.argv.find((arg) => arg.startsWith('--period='))?.slice('--period='.length) ?? 'closed';
  const period = BENCH_PERIODS.find((name) => name === periodArg);
  if (!period) throw new Error(`--period must be one of ${BENCH_PERIODS.join(', ')}`);
  const asArg = process.argv.find((arg) => arg.startsWith('--as='))?.slice('--as='.length) ?? 'revops';
  const as = BENCH_READERS.find((name) => name === asArg);
  if (!as) throw new Error(`--as must be one of ${BENCH_READERS.join(', ')}`);
  const result = await benchAnalytics({ leads, runs, warmup, reports, database, baseline, breakdown, period, as });
  console.log(
    `\nleadflow analytics benchmark (${result.provider}; ${leads} generated leads: ${result.setup}; ${BENCH_PERIOD_LABEL[period]}; read by ${as === 'manager' ? 'a manager (manager1, 5 reps)' : 'revops'}; ${breakdown ? `broken down by ${breakdown}` : 'not broken down'}; ${runs} rounds after ${warmup} not counted)`,
  );
  console.log(
    'API path: volume and funnel from SQL aggregates, speed, deals, pipeline, win-loss, channels, deal-desk, retention, activity and rule-attribution from SQL projections (idLimit 100), whole and broken down; baseline: every row through Prisma + the same report.\n' +
      'Each round reads the baseline rows once and runs every report both ways; speed-up: median of the rounds (min–max)\n' +
      "API first read: the report's first read in this process (new connections, JS not yet compiled), in a round not counted unless --warmup=0\n",
  );
  const header = [
    'report',
    'API p50',
    'API p95',
    'API first read',
    'baseline p50',
    'baseline p95',
    'speed-up',
    'reports',
  ];
  console.log(table([header, ...result.rows]));
  if (!result.compared)
    console.log(
      '\nbaseline skipped (--baseline=skip): no speed-up measured, and the reports were not compared with the naive read (test/analytics/loader-differential.int.test.ts compares them on generated data)',
    );
  const target = ANALYTICS_TARGET_MS[result.provider];
  console.log(
    `\ntarget: every report's p95 under ${target} ms on ${result.provider}: ${result.worstP95 < target ? 'met' : 'NOT met'} (slowest p95 ${result.worstP95.toFixed(0)} ms)`,
  );
  return result.identical ? 0 : 1;
}

/** `--breakdown=rep`: the dimension the analytics benchmark breaks every report down by, if any. */
function dimensionArgument(): Dimension | undefined {
  const given = process.argv.find((arg) => arg.startsWith('--breakdown='))?.slice('--breakdown='.length);
  if (given === undefined) return undefined;
  const dimension = DIMENSIONS.find((name) => name === given);
  if (!dimension) throw new Error(`--breakdown must be one of ${DIMENSIONS.join(', ')}`);
  return dimension;
}

/** `--concurrency=1,10,50`: the levels of the intake benchmark. */
function concurrencyLevels(): number[] {
  const given = process.argv.find((arg) => arg.startsWith('--concurrency='))?.slice('--concurrency='.length);
  const levels = (given ?? '1,10,50').split(',').map(Number);
  if (levels.some((level) => !Number.isInteger(level) || level < 1))
    throw new Error('--concurrency must be whole numbers of 1 or more, e.g. --concurrency=1,10,50');
  return levels;
}

async function main(): Promise<number> {
  if (process.argv.includes('bulk')) return benchBulk({ rows: numberArgument('rows', 2000) });
  if (process.argv.includes('signal')) return benchSignal({ leads: numberArgument('leads', 20) });
  if (process.argv.includes('levers'))
    return benchLevers({
      captures: numberArgument('captures', 80),
      concurrency: numberArgument('concurrency', 20),
      rounds: numberArgument('rounds', 1),
      only: (process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length) ?? '')
        .split(',')
        .filter(Boolean),
    });
  if (process.argv.includes('shadow')) return benchShadow({ decisions: numberArgument('decisions', 2000) });
  if (process.argv.includes('intake'))
    return benchIntake({
      concurrency: concurrencyLevels(),
      requests: numberArgument('requests', 40),
      against: process.argv.find((arg) => arg.startsWith('--against='))?.slice('--against='.length),
    });
  if (process.argv.includes('scale')) {
    const serverUrl =
      process.argv.find((arg) => arg.startsWith('--database='))?.slice('--database='.length) ??
      process.env.TEST_DATABASE_URL;
    if (!serverUrl)
      throw new Error(
        'the scale-out benchmark needs a PostgreSQL server: pass --database=postgresql://user:password@host:5432/postgres or set TEST_DATABASE_URL',
      );
    return benchScale({
      serverUrl,
      rounds: numberArgument('rounds', 3),
      captures: numberArgument('captures', 60),
      concurrency: numberArgument('concurrency', 8),
      temporal: process.argv.includes('--temporal=postgresql') ? 'postgresql' : 'dev-server',
    });
  }
  if (process.argv.includes('backtest'))
    return benchBacktest({ leads: numberArgument('leads', 100_000), keep: process.argv.includes('--keep') });
  const only = process.argv.find((arg) => arg === 'rules' || arg === 'analytics' || arg === 'workspace');
  let code = 0;
  if (only === undefined || only === 'rules') code = Math.max(code, await benchRules());
  if (only === undefined || only === 'analytics') code = Math.max(code, await benchAnalyticsReports());
  if (only === undefined || only === 'workspace')
    code = Math.max(
      code,
      await benchWorkspace({ deals: numberArgument('deals', 2000), runs: numberArgument('runs', 5) }),
    );
  return code;
}

process.exitCode = await main();
