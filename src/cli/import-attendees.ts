/**
 * `leadflow import attendees <file.csv> --campaign <key>`: the attendee import of
 * POST /api/imports/attendees, run at the console against the configured database (DATABASE_URL,
 * LEADFLOW_TENANT). The rows go into the intake outbox; a running API process (`leadflow start` or
 * `leadflow api`) hands them to their journeys. `--follow` prints the progress until every row is
 * stored. Exit codes: 0 captured (bad rows are listed), 1 the file does not import or, with
 * --follow, a journey refused a row, 2 bad usage.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { loadConfig } from '../config';
import type { Db } from '../db/client';
import { LeadflowError } from '../domain/errors';
import { LEAD_SOURCES, type LeadSource } from '../domain/lead';
import { createLogger } from '../logger';
import { ATTENDEE_FIELDS, attendeeRows } from '../usecases/attendee-csv';
import { captureBatch } from '../usecases/bulk-intake';
import { viewIntakeBatch, type IntakeBatchView } from '../usecases/intake-batch-view';
import type { CommandIo } from './rules-command';
import { openDatabase } from './database';

export const ATTENDEES_USAGE = `  leadflow import attendees <file.csv> --campaign <key> [--source events] [--event <name>]
                            [--map <map.yaml>] [--delimiter comma|semicolon|tab] [--follow]
        capture an event's attendee list as leads (English or Chinese headers: email/邮箱,
        first name/名, last name/姓, name/姓名, company/公司, title/职位, phone/电话, country/国家);
        bad rows are listed by row and column, the others captured; importing the same file
        again captures nothing twice. A running leadflow API hands the rows to their journeys.

  --map       YAML or JSON mapping a field to the header that holds it, e.g. { email: "E-mail" }
              fields: ${ATTENDEE_FIELDS.join(', ')}
  --follow    print the progress until every row is stored`;

const DELIMITERS = { comma: ',', semicolon: ';', tab: '\t' } as const;
const MapSchema = z.partialRecord(z.enum(ATTENDEE_FIELDS), z.string().min(1).max(100));
/** How long --follow waits without any progress before it says that no API seems to be running. */
const STALL_HINT_MS = 30_000;
const CampaignSchema = z.string().trim().min(1).max(200);

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    options: {
      campaign: { type: 'string' },
      source: { type: 'string' },
      event: { type: 'string' },
      map: { type: 'string' },
      delimiter: { type: 'string' },
      follow: { type: 'boolean' },
      'poll-ms': { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
}

/** Runs `leadflow import attendees …` (args after `attendees`); resolves to the exit code. */
export async function importAttendeesCommand(
  args: string[],
  io: CommandIo,
  usage: (message: string) => number,
): Promise<number> {
  const out = (line = '') => io.stdout.write(`${line}\n`);
  const err = (line = '') => io.stderr.write(`${line}\n`);
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) return usage('give exactly one CSV file');
  if (!CampaignSchema.safeParse(values.campaign).success) return usage('--campaign <key> is required');
  const source = (values.source ?? 'events') as LeadSource;
  if (!LEAD_SOURCES.includes(source)) return usage(`--source must be one of ${LEAD_SOURCES.join(', ')}`);
  const delimiter = values.delimiter ?? 'comma';
  if (!(delimiter in DELIMITERS)) return usage('--delimiter must be comma, semicolon or tab');
  let columns: z.infer<typeof MapSchema> = {};
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
    const rows = attendeeRows(csv, {
      source,
      campaign: values.campaign!.trim(),
      event: values.event ?? null,
      delimiter: DELIMITERS[delimiter as keyof typeof DELIMITERS],
      columns,
    });
    const receipt = await captureBatch(
      { db, now: () => new Date() },
      {
        tenant: config.tenant,
        kind: 'csv',
        source,
        campaign: values.campaign!.trim(),
        fileName: path.basename(file),
        createdBy: 'cli',
      },
      rows,
    );
    out(
      `captured ${file} into tenant ${config.tenant} (batch ${receipt.batchId}): ${receipt.received} rows, ${receipt.accepted} accepted, ${receipt.alreadyImported} already imported, ${receipt.rejected} rejected`,
    );
    for (const error of receipt.errors)
      err(`  ${error.message.startsWith('row ') ? '' : `row ${error.row}: ${error.field} `}${error.message}`);
    if (!values.follow) return 0;
    const pollMs = Number(values['poll-ms'] ?? 1000);
    const done = await follow(db, config.tenant, receipt.batchId, out, pollMs);
    for (const failure of done.failures)
      err(`  row ${failure.row}: refused by its journey (${failure.code}): ${failure.message}`);
    return done.progress.failed > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof LeadflowError)) throw error;
    err(`leadflow import attendees: ${error.message}`);
    for (const problem of Array.isArray(error.details) ? (error.details as { message: string }[]) : [])
      err(`  ${problem.message}`);
    return 1;
  } finally {
    await db.$disconnect();
  }
}

/** Prints a progress line whenever it changes, until no row is pending. */
async function follow(
  db: Db,
  tenant: string,
  batchId: string,
  out: (line: string) => void,
  pollMs: number,
): Promise<IntakeBatchView> {
  let last = '';
  let changedAt = Date.now();
  let hinted = false;
  for (;;) {
    const batch = await viewIntakeBatch(db, tenant, batchId);
    const { total, stored, pending, failed } = batch.progress;
    const line = `progress: ${stored}/${total} stored, ${pending} pending, ${failed} failed${batch.waiting ? ` (waiting: ${batch.waiting.reason})` : ''}`;
    if (line !== last) {
      out(line);
      changedAt = Date.now();
    }
    last = line;
    if (batch.done) return batch;
    // The rows wait in the outbox for an API process's dispatcher; none has touched them for a while.
    if (!hinted && !batch.waiting && stored + failed === 0 && Date.now() - changedAt > STALL_HINT_MS) {
      out(
        'still waiting: no leadflow API seems to be running here (leadflow start or leadflow api hands the rows to their journeys)',
      );
      hinted = true;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
