/**
 * Importing marketing spend from a CSV file (an ad platform's or finance's export). The file's
 * columns are mapped to the entry's fields by header name; every row is checked before anything is
 * stored, and every bad row is reported with its line and column. A file with any bad row imports
 * nothing; a good one is stored in one transaction. Rows are keyed by (source, campaign, month,
 * currency), so importing the same file again changes nothing, and a corrected file replaces the
 * amounts it names.
 */
import { createHash } from 'node:crypto';
import type { Actor } from '../auth/actor';
import { recordAudit } from '../db/audit-trail';
import type { Db } from '../db/client';
import { invalidImport as invalid, readCsv, type ImportProblem } from './csv-import';
import {
  campaignKeys,
  checkSpend,
  saveSpend,
  spendKey,
  type SpendEntry,
  type SpendField,
  type SpendFields,
} from './marketing-spend';

/** Rows one file may hold: a few years of monthly spend for hundreds of campaigns. */
export const MAX_IMPORT_ROWS = 10_000;
/** Problems listed in one answer; the count says how many there were in all. */
const MAX_REPORTED = 500;

const FIELDS: readonly SpendField[] = ['source', 'campaign', 'month', 'currency', 'amount', 'note'];

export interface ImportOptions {
  /** The header of the column holding each field; default: the field's own name (any case). */
  columns: Partial<Record<SpendField, string>>;
  /** The currency of every row, when the file has no currency column. */
  currency?: string;
  delimiter: ',' | ';' | '\t';
  /** Check and count, store nothing. */
  dryRun: boolean;
}

export type { ImportProblem } from './csv-import';

/** Checks `csv` and, unless it is a dry run, stores it; 400 with every problem otherwise. */
export async function importSpend(db: Db, actor: Actor, csv: string, options: ImportOptions, now: Date) {
  const records = readCsv(csv, options.delimiter);
  const [header, ...rows] = records;
  if (!header)
    throw invalid('The file is empty: the first line must name the columns.', [
      { path: 'body', message: 'has no header line', line: 1, column: null },
    ]);
  if (rows.length === 0)
    throw invalid('The file has a header line but no rows: there is nothing to import.', [
      { path: 'body', message: 'has no rows after the header line', line: 2, column: null },
    ]);
  if (rows.length > MAX_IMPORT_ROWS)
    throw invalid(`The file has ${rows.length} rows; import at most ${MAX_IMPORT_ROWS} at a time.`, [
      { path: 'body', message: `split it into files of at most ${MAX_IMPORT_ROWS} rows`, line: 1, column: null },
    ]);
  const columns = mapColumns(header.record, options);
  const campaigns = await campaignKeys(db, actor.tenant);
  const problems: ImportProblem[] = [];
  const entries: SpendEntry[] = [];
  const firstLine = new Map<string, number>();
  rows.forEach(({ record, info }, index) => {
    const row = index + 1;
    const line = info.lines;
    if (record.length !== header.record.length) {
      problems.push({
        path: `rows[${row}]`,
        message: `line ${line} has ${record.length} values, the header has ${header.record.length} columns`,
        line,
        column: null,
      });
      return;
    }
    const cell = (field: SpendField) => {
      const at = columns[field];
      return at === undefined ? undefined : (record[at] ?? '');
    };
    const fields: SpendFields = {
      source: cell('source') ?? '',
      campaign: cell('campaign') ?? '',
      month: cell('month') ?? '',
      currency: cell('currency') || options.currency || '',
      amount: cell('amount') ?? '',
      note: cell('note') ?? null,
    };
    const checked = checkSpend(fields, campaigns);
    if ('problems' in checked) {
      for (const p of checked.problems) {
        const column = columns[p.field] === undefined ? null : (header.record[columns[p.field]!] ?? null);
        problems.push({
          path: `rows[${row}].${p.field}`,
          message: `line ${line}${column ? `, column "${column}"` : ''}: ${p.message}`,
          line,
          column,
        });
      }
      return;
    }
    const key = spendKey(checked.entry);
    const earlier = firstLine.get(key);
    if (earlier !== undefined) {
      problems.push({
        path: `rows[${row}]`,
        message: `line ${line} repeats line ${earlier} (same source, campaign, month and currency): give one row per month, with the month's total`,
        line,
        column: null,
      });
      return;
    }
    firstLine.set(key, line);
    entries.push(checked.entry);
  });
  if (problems.length > 0)
    throw invalid(
      `${new Set(problems.map((p) => p.line)).size} of ${rows.length} rows are invalid (${problems.length} problems${problems.length > MAX_REPORTED ? `, the first ${MAX_REPORTED} listed` : ''}); nothing was imported.`,
      problems.slice(0, MAX_REPORTED),
    );
  const fileSha256 = createHash('sha256').update(csv, 'utf8').digest('hex');
  return db.$transaction(
    async (tx) => {
      const outcome = await saveSpend(tx, actor, entries, 'csv', options.dryRun);
      if (!options.dryRun && outcome.created + outcome.updated > 0)
        await recordAudit(tx, {
          tenant: actor.tenant,
          subjectType: 'marketing-spend',
          subjectId: `csv:${fileSha256.slice(0, 16)}`,
          action: 'marketing-spend.imported',
          actor: actor.email,
          details: {
            fileSha256,
            rows: rows.length,
            created: outcome.created,
            updated: outcome.updated,
            unchanged: outcome.unchanged,
          },
          occurredAt: now,
        });
      return {
        dryRun: options.dryRun,
        rows: rows.length,
        created: outcome.created,
        updated: outcome.updated,
        unchanged: outcome.unchanged,
        fileSha256,
      };
    },
    { timeout: 60_000 },
  );
}

/** Which column index holds each field; 400 naming the missing or doubled headers. */
function mapColumns(header: readonly string[], options: ImportOptions): Partial<Record<SpendField, number>> {
  const names = header.map((h) => h.trim().toLowerCase());
  const problems: ImportProblem[] = [];
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i)
      problems.push({
        path: 'header',
        message: `column "${header[i]}" appears twice in the header`,
        line: 1,
        column: header[i] ?? null,
      });
  });
  const columns: Partial<Record<SpendField, number>> = {};
  for (const field of FIELDS) {
    const wanted = options.columns[field];
    const index = names.indexOf((wanted ?? field).trim().toLowerCase());
    if (index >= 0) columns[field] = index;
    else if (wanted !== undefined)
      problems.push({
        path: `query.${field}Column`,
        message: `the file has no column "${wanted}" (its columns: ${header.join(', ')})`,
        line: 1,
        column: null,
      });
    else if (field !== 'note' && !(field === 'currency' && options.currency))
      problems.push({
        path: `query.${field}Column`,
        message: `the file has no "${field}" column: name the column that holds it with ${field}Column${field === 'currency' ? ', or give currency for the whole file' : ''} (its columns: ${header.join(', ')})`,
        line: 1,
        column: null,
      });
  }
  if (problems.length > 0)
    throw invalid('The columns of the file do not map to the spend fields; nothing was imported.', problems);
  return columns;
}
