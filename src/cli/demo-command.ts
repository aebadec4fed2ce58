/**
 * `leadflow demo`: fills the configured database (DATABASE_URL, LEADFLOW_TENANT) with a year of
 * demo sales history, or removes it (`--remove`). Exit codes: 0 ok, 1 refused, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { parseLocalDate } from '../domain/analytics/period';
import { formatLocalDate, toLocalDate, type LocalDate } from '../domain/time-zone';
import { createLogger } from '../logger';
import { countDemoData, removeDemoData, writeDemoData } from '../usecases/demo/demo-data';
import type { CommandIo } from './rules-command';
import { loadRulesSnapshot } from './rules-snapshot';
import { openDatabase } from './database';
import { isUniqueViolation } from '../db/unique-violation';

const USAGE = `Usage:
  leadflow demo [--seed <n>] [--until YYYY-MM-DD] [--leads <n>]
                     write a year of demo sales history (people, campaigns and spend, leads,
                     deals, quotes, approvals, contracts, forecasts, quotas) ending the day
                     before --until (default: today in the reporting zone); the same seed and
                     date write the same data; demo data already there is replaced
  leadflow demo --remove
                     delete the demo data, and nothing else

Every demo record's id starts with "demo_". They work on the database of DATABASE_URL and the
tenant of LEADFLOW_TENANT; days are counted in LEADFLOW_REPORTING_ZONE (default: the zone of
escalation.yaml's default calendar).`;

const MAX_LEADS = 100_000;

/** Runs `leadflow demo …`; resolves to the exit code. */
export async function demoCommand(args: string[], io: CommandIo): Promise<number> {
  const out = (line = '') => io.stdout.write(`${line}\n`);
  const err = (line = '') => io.stderr.write(`${line}\n`);
  let values: { seed?: string; until?: string; leads?: string; remove?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        seed: { type: 'string' },
        until: { type: 'string' },
        leads: { type: 'string' },
        remove: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    err(`leadflow demo: ${(error as Error).message}`);
    err(USAGE);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const problems = [
    ...(values.seed !== undefined && !/^\d{1,9}$/.test(values.seed)
      ? ['--seed: must be a whole number (0–999999999)']
      : []),
    ...(values.until !== undefined && !parseLocalDate(values.until)
      ? ['--until: must be a real date, YYYY-MM-DD']
      : []),
    ...(values.leads !== undefined &&
    !(/^\d{1,6}$/.test(values.leads) && Number(values.leads) >= 1 && Number(values.leads) <= MAX_LEADS)
      ? [`--leads: must be a whole number from 1 to ${MAX_LEADS}`]
      : []),
    ...(values.remove && (values.seed ?? values.until ?? values.leads) !== undefined
      ? ['--remove takes no other option']
      : []),
  ];
  if (problems.length > 0) {
    for (const problem of problems) err(`leadflow demo: ${problem}`);
    err(USAGE);
    return 2;
  }
  const config = loadConfig();
  const db = await openDatabase(config, createLogger('error'));
  try {
    if (values.remove) {
      const removed = await removeDemoData(db, config.tenant);
      const left = await countDemoData(db, config.tenant);
      out(`removed the demo data from tenant ${config.tenant}: ${describe(removed)}`);
      if (Object.values(left).some((n) => n > 0)) {
        err(`leadflow demo: demo rows are left: ${describe(left)}`);
        return 1;
      }
      return 0;
    }
    const { zone, ruleTexts } = await loadRulesSnapshot(config);
    const until = values.until ? parseLocalDate(values.until)! : toLocalDate(new Date(), zone);
    const seed = Number(values.seed ?? 1);
    const started = performance.now();
    const written = await writeDemoData(db, {
      tenant: config.tenant,
      until,
      zone,
      seed,
      leads: Number(values.leads ?? 2000),
      ruleTexts,
    }).catch((error: unknown) => {
      // A demo person, account, campaign or product whose unique name the tenant already uses.
      if (!isUniqueViolation(error)) throw error;
      err(
        `leadflow demo: a demo record clashes with one of the tenant's own (${uniqueFields(error)}); nothing was written`,
      );
      return null;
    });
    if (!written) return 1;
    const { counts, replaced } = written;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    out(
      `${replaced ? 'replaced the' : 'wrote'} demo data in tenant ${config.tenant}: a year ending ${formatLocalDate(lastDay(until))} (${zone}), seed ${seed}, in ${seconds} s`,
    );
    out(`  ${describe(counts)}`);
    out('  remove it with: leadflow demo --remove');
    return 0;
  } finally {
    await db.$disconnect();
  }
}

function uniqueFields(error: unknown): string {
  const meta = (error as { meta?: { target?: unknown; modelName?: unknown } }).meta;
  const target = Array.isArray(meta?.target)
    ? meta.target.join(', ')
    : typeof meta?.target === 'string'
      ? meta.target
      : 'a unique field';
  return typeof meta?.modelName === 'string' ? `${meta.modelName}: ${target}` : target;
}

function lastDay(until: LocalDate): LocalDate {
  return toLocalDate(new Date(Date.UTC(until.year, until.month - 1, until.day) - 43_200_000), 'UTC');
}

function describe(counts: Partial<Record<string, number>>): string {
  return (
    Object.entries(counts)
      .filter(([, n]) => n !== undefined && n > 0)
      .map(([table, n]) => `${n} ${table}`)
      .join(', ') || 'nothing'
  );
}
