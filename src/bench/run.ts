/**
 * `npm run bench`: the rules benchmark, the analytics benchmark (./analytics.ts), then the
 * workspace benchmark (./workspace.ts: the pipeline board in Chromium, `--deals=N`). Arguments:
 * `rules`, `analytics`, `workspace` or `intake` runs only that one (the backtest benchmark, ./backtest.ts, runs
 * only when named: `npm run bench -- backtest --leads=100000`, the default; the intake benchmark,
 * ./intake.ts, runs only when named: `npm run bench -- intake --concurrency=1,10,50 --requests=40`;
 * so does the bulk intake one, ./bulk.ts: `npm run bench -- bulk --rows=2000`); `--leads=N` (default 2000), `--runs=N` (default 5) and
 * `--reports=deals,funnel` (default all) size the analytics one, and `--database=URL` runs it on a
 * database of your own (kept, and reused when it holds as many generated leads), e.g.
 * `npm run bench -- analytics --leads=100000 --runs=3 --reports=volume,deals,pipeline` or
 * `npm run bench -- analytics --leads=1000000 --database=postgresql://postgres:postgres@localhost/leadflow_bench`.
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
import { benchAnalytics } from './analytics';
import { benchWorkspace } from './workspace';
import { benchIntake } from './intake';
import { benchBacktest } from './backtest';
import { benchBulk } from './bulk';
import { REPORTS, type ReportName } from '../usecases/analytics/reports';

const TARGET_RATIO = 20;
const NOW = new Date('2025-06-01T12:00:00Z');

interface Scenario {
  label: string;
  ruleset: Ruleset;
  baselineLeads: number;
  minSeconds: number;
}

async function loadScenarios(): Promise<Scenario[]> {
  const texts = await readRuleTexts(join(import.meta.dirname, '..', '..', 'rules'));
  const load = (replace: Record<string, string>) => {
    const result = loadRulesetFromTexts({ ...texts, ...replace }, { tests: false });
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    return result.ruleset;
  };
  return [
    { label: 'shipped scoring.yaml', ruleset: load({}), baselineLeads: 3000, minSeconds: 1 },
    {
      label: 'generated 500-rule scoring file',
      ruleset: load({ 'scoring.yaml': generateScoringYaml(500, 11) }),
      baselineLeads: 150,
      minSeconds: 1,
    },
  ];
}

/** Evaluations per second of `run` over `leads`, repeated until `minSeconds` have passed. */
async function rate(leads: readonly Facts[], minSeconds: number, run: (facts: Facts) => unknown): Promise<number> {
  let count = 0;
  const started = performance.now();
  do {
    for (const facts of leads) {
      const result = run(facts);
      if (result instanceof Promise) await result;
      count++;
    }
  } while (performance.now() - started < minSeconds * 1000);
  return count / ((performance.now() - started) / 1000);
}

async function measure(scenario: Scenario): Promise<{ row: string[]; identical: boolean; ratio: number }> {
  const { ruleset } = scenario;
  const random = randomSource(42);
  const leads = Array.from({ length: scenario.baselineLeads }, () => randomFacts(random, NOW) as Facts);
  const engine = buildEngine(scoringRules(ruleset.scoring));

  let differences = 0;
  for (const facts of leads) {
    const fast = evaluateScoring(ruleset, facts, NOW);
    const reference = await scoreWithEngine(engine, ruleset.scoring, facts, NOW);
    const sameOutcome = JSON.stringify(fast.outcome) === JSON.stringify(reference.outcome);
    const sameTraces = fast.explanation.rules.every(
      (t) => JSON.stringify(comparable(t)) === JSON.stringify(comparable(reference.traces.get(t.rule)!)),
    );
    if (!sameOutcome || !sameTraces) differences++;
  }

  for (const facts of leads.slice(0, 200)) evaluateScoring(ruleset, facts, NOW); // warm up the compiled closures
  const baseline = await rate(leads, scenario.minSeconds, (facts) =>
    scoreWithEngine(engine, ruleset.scoring, facts, NOW),
  );
  const fast = await rate(leads, scenario.minSeconds, (facts) => evaluateScoring(ruleset, facts, NOW));
  const ratio = fast / baseline;
  const rules = scoringRules(ruleset.scoring).length;
  return {
    identical: differences === 0,
    ratio,
    row: [
      scenario.label,
      String(rules),
      fmt(baseline),
      `${(1e6 / baseline).toFixed(1)} µs`,
      fmt(fast),
      `${(1e6 / fast).toFixed(2)} µs`,
      `${ratio.toFixed(1)}×`,
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
    'speed-up',
    'outcomes + explanations',
  ];
  const results = [];
  for (const scenario of await loadScenarios()) results.push(await measure(scenario));
  console.log(
    `leadflow rules benchmark (node ${process.version}; baseline: one json-rules-engine Engine, nested facts via JSONPath)\n`,
  );
  console.log(table([header, ...results.map((r) => r.row)]));
  const slow = results.filter((r) => r.ratio < TARGET_RATIO).length;
  console.log(
    `\ntarget: ≥ ${TARGET_RATIO}× with identical outcomes and explanations: ${slow === 0 ? 'met' : `NOT met in ${slow} scenario(s)`}`,
  );
  return results.every((r) => r.identical) ? 0 : 1;
}

/** `--name=N` from the command line, a positive whole number, or `fallback`. */
function numberArgument(name: string, fallback: number): number {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const value = given === undefined ? fallback : Number(given);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number of 1 or more`);
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
  const listed = process.argv.find((arg) => arg.startsWith('--reports='))?.slice('--reports='.length);
  const reports = listed ? listed.split(',').map((name) => reportName(name)) : [...REPORTS];
  const database = process.argv.find((arg) => arg.startsWith('--database='))?.slice('--database='.length);
  const result = await benchAnalytics({ leads, runs, reports, database });
  console.log(
    `\nleadflow analytics benchmark (${result.provider}; ${leads} generated leads: ${result.setup}; October 2025 against September, read 2026-01-31; ${runs} rounds)`,
  );
  console.log(
    'API path: volume and funnel from SQL aggregates (idLimit 100), the others loadFacts for the period and the one before + the report; baseline: every row through Prisma + the same report.\n' +
      'Each round reads the baseline rows once and runs every report both ways; speed-up: median of the rounds (min–max)\n',
  );
  const header = [
    'report',
    'API p50',
    'API p95',
    'p50 load / compute',
    'baseline p50',
    'baseline p95',
    'speed-up',
    'reports',
  ];
  console.log(table([header, ...result.rows]));
  const target = ANALYTICS_TARGET_MS[result.provider];
  console.log(
    `\ntarget: every report's p95 under ${target} ms on ${result.provider}: ${result.worstP95 < target ? 'met' : 'NOT met'} (slowest p95 ${result.worstP95.toFixed(0)} ms)`,
  );
  return result.identical ? 0 : 1;
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
  if (process.argv.includes('intake'))
    return benchIntake({
      concurrency: concurrencyLevels(),
      requests: numberArgument('requests', 40),
      against: process.argv.find((arg) => arg.startsWith('--against='))?.slice('--against='.length),
    });
  if (process.argv.includes('backtest')) return benchBacktest({ leads: numberArgument('leads', 100_000) });
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
