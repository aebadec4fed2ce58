/**
 * What every CSV import shares (marketing spend, CRM history): reading the file with csv-parse
 * (header line, BOM, trimmed cells, the line each record starts on), the problem shape every
 * import reports (`line`, `column`, `message`), and the 422 that carries them. A file that is not
 * CSV is one problem at the line csv-parse stopped on.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { z } from 'zod';
import { LeadflowError } from '../domain/errors';
import { headerKey } from '../domain/history-row';

/** A problem in the file: `line` is the file's line (the header is line 1), `column` its header. */
export interface ImportProblem {
  path: string;
  message: string;
  line: number;
  column: string | null;
}

/** One record: its cells, and the file line it ends on. */
export interface CsvRecord {
  record: string[];
  info: { lines: number };
}

const parsedRecords = z.array(z.object({ record: z.array(z.string()), info: z.object({ lines: z.number() }) }));

/** The file's records (header first); 422 when it is not CSV. */
export function readCsv(csv: string, delimiter: string): CsvRecord[] {
  try {
    return parsedRecords.parse(
      parse(csv, { info: true, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, delimiter }),
    );
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = typeof error.lines === 'number' ? error.lines : 1;
    throw invalidImport(`The file is not valid CSV: ${error.message}. Nothing was imported.`, [
      { path: `line ${line}`, message: error.message, line, column: null },
    ]);
  }
}

/** The 422 an import answers with every problem it found. */
export function invalidImport(message: string, problems: ImportProblem[]): LeadflowError {
  return new LeadflowError('unprocessable', message, { details: problems });
}

/**
 * Which column index holds each field: the header `wanted` names for it, else the first header
 * among its usual names (`defaults`), compared without case, spaces, `_` or `-`. Problems: a
 * header that appears twice, and a named header the file lacks. A field with neither is absent.
 */
export function mapColumns<F extends string>(
  header: readonly string[],
  fields: readonly F[],
  defaults: Record<F, readonly string[]>,
  wanted: Partial<Record<F, string>>,
): { columns: Partial<Record<F, number>>; problems: ImportProblem[] } {
  const keys = header.map(headerKey);
  const problems: ImportProblem[] = [];
  keys.forEach((key, i) => {
    if (keys.indexOf(key) !== i)
      problems.push({
        path: 'header',
        message: `column "${header[i]}" appears twice in the header`,
        line: 1,
        column: header[i] ?? null,
      });
  });
  const columns: Partial<Record<F, number>> = {};
  for (const field of fields) {
    const named = wanted[field];
    const index =
      named !== undefined
        ? keys.indexOf(headerKey(named))
        : keys.findIndex((key) => defaults[field].some((h) => headerKey(h) === key));
    if (index >= 0) columns[field] = index;
    else if (named !== undefined)
      problems.push({
        path: `columns.${field}`,
        message: `the file has no column "${named}" (its columns: ${header.join(', ')})`,
        line: 1,
        column: null,
      });
  }
  return { columns, problems };
}
