/**
 * `leadflow rules backtest <candidate dir>`: replays stored history through the active ruleset
 * and a candidate folder, and prints what would change (a table, JSON or an HTML page). The
 * candidate is loaded and validated exactly as `rules check` does; the active version is the one
 * last activated (from the database), else the rules directory's. It runs as a backtest job in
 * this process (its changes go to their table as it runs), streams the full list back into the
 * output a page at a time, and then removes the job and its rows.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import type { Db } from '../db/client';
import { PrismaRuleVersionStore } from '../db/rule-version-store';
import { LeadflowError } from '../domain/errors';
import { createLogger } from '../logger';
import { BACKTEST_KINDS, type BacktestKind, type BacktestReport } from '../rules/backtest/tally';
import { formatBacktestText } from '../rules/backtest/text';
import { loadRulesetFromTexts } from '../rules/load';
import { loadRulesetFromDir, readRuleTexts } from '../rules/load-dir';
import type { Ruleset } from '../rules/ruleset';
import { formatDiagnostic } from '../rules/types';
import type { BacktestProgress } from '../usecases/backtest';
import { runBacktestJob } from '../usecases/backtest-jobs';
import { storedChanges, writeBacktestHtml, writeBacktestJson } from '../usecases/backtest-output';
import type { CommandIo } from './rules-command';
import { openDatabase } from './database';

export const BACKTEST_USAGE = `  leadflow rules backtest <candidate dir> [--since YYYY-MM-DD] [--until YYYY-MM-DD]
                         [--kind scoring,routing,approvals] [--format table|json|html] [--out file]
                                                 replay stored leads, routing decisions and quotes through
                                                 the active rules and the candidate; show what changes`;

class UsageError extends Error {}

/** `2025-03-10` → that day's start (UTC); `end` gives the next day's, so `--until` includes its day. */
export function parseDay(text: string, flag: string, end = false): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const at = match
    ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + (end ? 1 : 0)))
    : null;
  if (!at || at.toISOString().slice(0, 10) !== (end ? nextDay(text) : text))
    throw new UsageError(`${flag} "${text}" is not a date (expected YYYY-MM-DD, e.g. 2025-03-10)`);
  return at;
}

function nextDay(text: string): string {
  const at = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(at.getTime()) ? '' : new Date(at.getTime() + 86_400_000).toISOString().slice(0, 10);
}

/** `scoring,routing` → the kinds, or a usage error naming the unknown one. */
export function parseKinds(text: string | undefined): BacktestKind[] {
  if (text === undefined) return [...BACKTEST_KINDS];
  const kinds = text.split(',').map((k) => k.trim());
  const unknown = kinds.find((k) => !(BACKTEST_KINDS as readonly string[]).includes(k));
  if (unknown !== undefined)
    throw new UsageError(`unknown --kind "${unknown}" (expected a list of: ${BACKTEST_KINDS.join(', ')})`);
  return BACKTEST_KINDS.filter((k) => kinds.includes(k));
}

/** Runs the backtest subcommand; resolves to the exit code (0 done, 1 refused, 2 bad usage). */
export async function backtestCommand(args: string[], io: CommandIo): Promise<number> {
  const err = (line = '') => io.stderr.write(`${line}\n`);
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(args);
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
    err(`leadflow rules backtest: ${error.message}`);
    err(`Usage:\n${BACKTEST_USAGE}`);
    return 2;
  }
  const candidate = await loadRulesetFromDir(options.dir);
  if (!candidate.ok) {
    for (const d of candidate.diagnostics) err(formatDiagnostic(d));
    const errors = candidate.diagnostics.filter((d) => d.severity === 'error').length;
    err(`\n✗ ${errors} problem${errors === 1 ? '' : 's'} in ${options.dir}: the candidate cannot be backtested.`);
    return 1;
  }
  const config = loadConfig();
  let db: Db | undefined;
  let jobId: string | undefined;
  try {
    db = await openDatabase(config, createLogger('error'));
    const active = await activeRuleset(db, config.rulesDir);
    const progress = progressBar(io.stderr);
    const job = await runBacktestJob(
      { db, active: () => active, onProgress: progress.update, onStored: (id) => (jobId = id) },
      { tenant: config.tenant, email: `cli:${userInfo().username}` },
      await readRuleTexts(options.dir),
      { tenant: config.tenant, active, candidate: candidate.ruleset, ...options },
    );
    progress.end();
    await writeReport(db, job, options.format, options.out ?? io.stdout);
    if (options.out) err(`wrote ${options.out}`);
    return 0;
  } catch (error) {
    if (!(error instanceof LeadflowError)) throw error;
    err(`leadflow rules backtest: ${error.message}`);
    return 1;
  } finally {
    // The output is the report; the job and its changes (cascading) were only the way to it.
    if (jobId) await db?.backtestJob.deleteMany({ where: { id: jobId } });
    await db?.$disconnect();
  }
}

/**
 * Writes the report to the file or stream: the table from the job's report (its first changes),
 * JSON and HTML with the full list streamed from the job's table a page at a time, so memory
 * stays bounded however many decisions change.
 */
async function writeReport(
  db: Db,
  job: { id: string; report: BacktestReport },
  format: 'table' | 'json' | 'html',
  to: string | NodeJS.WritableStream,
): Promise<void> {
  const stream: NodeJS.WritableStream = typeof to === 'string' ? createWriteStream(to, 'utf8') : to;
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => undefined);
  const write = async (chunk: string) => {
    if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), failed]);
  };
  if (format === 'json') await writeBacktestJson(job.report, storedChanges(db, job.id), write);
  else if (format === 'html') await writeBacktestHtml(job.report, storedChanges(db, job.id), write);
  else await write(`${formatBacktestText(job.report).join('\n')}\n`);
  if (typeof to === 'string') {
    stream.end();
    await Promise.race([once(stream, 'finish'), failed]);
  }
}

const isFormat = (text: string): text is 'table' | 'json' | 'html' => ['table', 'json', 'html'].includes(text);

function parseOptions(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    options: {
      since: { type: 'string' },
      until: { type: 'string' },
      kind: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('name one candidate rules folder, e.g. ./candidate-rules');
  const format = values.format ?? 'table';
  if (!isFormat(format)) throw new UsageError(`unknown --format "${format}" (expected table, json or html)`);
  const since = values.since === undefined ? null : parseDay(values.since, '--since');
  const until = values.until === undefined ? null : parseDay(values.until, '--until', true);
  if (since && until && since >= until) throw new UsageError('--since must be on or before --until');
  return { dir: positionals[0]!, since, until, kinds: parseKinds(values.kind), format, out: values.out };
}

/** The version last activated (kept in the database), else the rules directory's. */
export async function activeRuleset(db: Db, rulesDir: string): Promise<Ruleset> {
  const stored = await new PrismaRuleVersionStore(db).latest();
  if (stored) {
    const loaded = loadRulesetFromTexts(stored.files, { stored: true });
    if (loaded.ok) return loaded.ruleset;
  }
  const loaded = await loadRulesetFromDir(rulesDir);
  if (!loaded.ok)
    throw new LeadflowError(
      'rules_unavailable',
      `no active rules to compare with: nothing was activated yet and ${rulesDir} does not load (leadflow rules check ${rulesDir})`,
    );
  return loaded.ruleset;
}

/** A progress bar on stderr: redrawn in place on a terminal, a line every 5 s otherwise (long runs only). */
function progressBar(stream: NodeJS.WritableStream): {
  update: (p: BacktestProgress) => void;
  end: () => void;
} {
  const tty = (stream as { isTTY?: boolean }).isTTY === true;
  const started = Date.now();
  let lastLine = started;
  let drawn = false;
  return {
    update({ done, total }) {
      const share = total === 0 ? 1 : done / total;
      const text = `backtest ${done}/${total} (${Math.floor(share * 100)}%)`;
      if (tty) {
        const width = 30;
        const filled = Math.round(share * width);
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`);
        drawn = true;
      } else if (Date.now() - lastLine >= 5000) {
        stream.write(`${text}\n`);
        lastLine = Date.now();
      }
    },
    end() {
      if (drawn) stream.write('\n');
    },
  };
}
