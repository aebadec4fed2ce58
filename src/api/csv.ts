/**
 * CSV answers (RFC 4180, through csv-stringify): a header row, then the rows, CRLF line ends,
 * fields quoted when they hold a comma, a quote or a line break. A text cell that a spreadsheet
 * would run as a formula (it starts with =, +, -, @, a tab or a carriage return, and is not a
 * number) is prefixed with an apostrophe, so an exported campaign name cannot execute.
 */
import type { Response } from 'express';
import { stringify } from 'csv-stringify/sync';

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/** The cell as a spreadsheet will show it, never as a formula. */
export function safeCell(value: string): string {
  return FORMULA_START.test(value) && !NUMBER.test(value) ? `'${value}` : value;
}

export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return stringify([[...header], ...rows.map((row) => row.map(safeCell))], { record_delimiter: 'windows' });
}

/** Rows without a header, to follow `toCsv(header, [])` when a long answer is streamed in batches. */
export function csvRows(rows: readonly (readonly string[])[]): string {
  return rows.length === 0
    ? ''
    : stringify(
        rows.map((row) => row.map(safeCell)),
        { record_delimiter: 'windows' },
      );
}

/** Sends `csv` as a download named `filename`. */
export function sendCsv(res: Response, filename: string, csv: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.send(csv);
}
