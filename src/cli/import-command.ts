/**
 * `leadflow import history <file.csv>`: the history import of POST /api/imports/history, run at
 * the console against the configured database (DATABASE_URL, LEADFLOW_TENANT). The column
 * mapping comes from headers with their usual names or from a `--map` file (YAML or JSON:
 * field → header). Exit codes: 0 imported, 1 the file does not import, 2 bad usage.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { loadConfig } from '../config';
import { HISTORY_FIELDS, type HistoryField } from '../domain/history-row';
import { LeadflowError } from '../domain/errors';
import { createLogger } from '../logger';
import { importHistory, lossReasonCatalogue } from '../usecases/history-import';
import { loadRulesSnapshot } from './rules-snapshot';
import type { CommandIo } from './rules-command';
import { openDatabase } from './database';
import { ATTENDEES_USAGE, importAttendeesCommand } from './import-attendees';

const USAGE = `Usage:
  leadflow import history <file.csv> [--map <map.yaml>] [--delimiter comma|semicolon|tab]
                          [--owner <email>] [--dry-run]
        import past leads and closed deals from another CRM's export; every row or none;
        importing the same file again adds nothing (rows are keyed by their external id,
        else their email and created date)

  --map       YAML or JSON mapping a field to the header that holds it, e.g.
              { email: "E-mail", created: "Lead Created On", outcome: "Result" }
              fields: ${HISTORY_FIELDS.join(', ')}
  --owner     who owns imported deals whose row names no owner
  --dry-run   check the file and count, store nothing

${ATTENDEES_USAGE}

It works on the database of DATABASE_URL and the tenant of LEADFLOW_TENANT.`;

const DELIMITERS = { comma: ',', semicolon: ';', tab: '\t' } as const;
const MapSchema = z.partialRecord(z.enum(HISTORY_FIELDS), z.string().min(1).max(100));
const OwnerSchema = z.email();

/** Runs `leadflow import …`; resolves to the exit code. */
export async function importCommand(args: string[], io: CommandIo): Promise<number> {
  const out = (line = '') => io.stdout.write(`${line}\n`);
  const err = (line = '') => io.stderr.write(`${line}\n`);
  const usage = (message: string) => {
    err(`leadflow import: ${message}`);
    err(USAGE);
    return 2;
  };
  if (args[0] === 'attendees') return importAttendeesCommand(args.slice(1), io, usage);
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const [kind, file, ...extra] = positionals;
  if (kind !== 'history')
    return usage(kind === undefined ? 'say what to import: history or attendees' : `unknown import "${kind}"`);
  if (file === undefined || extra.length > 0) return usage('give exactly one CSV file');
  const delimiter = values.delimiter ?? 'comma';
  if (!(delimiter in DELIMITERS)) return usage('--delimiter must be comma, semicolon or tab');
  if (values.owner !== undefined && !OwnerSchema.safeParse(values.owner).success)
    return usage('--owner must be an email');
  let columns: Partial<Record<HistoryField, string>> = {};
  let csv: string;
  try {
    if (values.map !== undefined) {
      const map = MapSchema.safeParse(parseYaml(await readFile(values.map, 'utf8')));
      if (!map.success)
        return usage(
          `${values.map}: ${map.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`,
        );
      columns = map.data;
    }
    csv = await readFile(file, 'utf8');
  } catch (error) {
    return usage((error as Error).message);
  }
  const config = loadConfig();
  const db = await openDatabase(config, createLogger('error'));
  try {
    const rules = await loadRulesSnapshot(config);
    const result = await importHistory(
      db,
      { tenant: config.tenant, email: 'cli' },
      csv,
      {
        columns,
        delimiter: DELIMITERS[delimiter as keyof typeof DELIMITERS],
        dryRun: values['dry-run'] ?? false,
        defaultOwner: values.owner?.toLowerCase() ?? null,
      },
      { zone: rules.zone, now: new Date(), lossReasons: lossReasonCatalogue(rules.lossReasons) },
    );
    out(
      `${result.dryRun ? 'checked (dry run, nothing stored)' : 'imported'} ${file} into tenant ${config.tenant}: ${result.rows} rows, ${result.leads} leads and ${result.deals} closed deals ${result.dryRun ? 'to create' : 'created'}, ${result.unchanged} unchanged (imported before)`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof LeadflowError)) throw error;
    err(`leadflow import history: ${error.message}`);
    for (const problem of Array.isArray(error.details) ? (error.details as { message: string }[]) : [])
      err(`  ${problem.message}`);
    return 1;
  } finally {
    await db.$disconnect();
  }
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    options: {
      map: { type: 'string' },
      delimiter: { type: 'string' },
      owner: { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
}
