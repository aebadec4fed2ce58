/**
 * An event's attendee list (CSV) as batch rows: columns are found by their usual English or
 * Simplified Chinese headers (email/邮箱, first name/名, company/公司 …) or by the headers the
 * caller names; every row gets the import's source and campaign and is checked with the schema of
 * POST /api/leads. A bad row's problems name its file row (the header is row 1) and the column.
 */
import { countryCodeOfCell } from './country-names';
import type { z } from 'zod';
import { inFile, rowFieldProblems } from '../api/row-words';
import { LeadInputSchema } from '../api/schemas';
import type { LeadSource } from '../domain/lead';
import { invalidImport, mapColumns, readCsv } from './csv-import';
import { assertWithinBatchLimit, type BatchRow, type RowError } from './bulk-intake';

export const ATTENDEE_FIELDS = [
  'email',
  'externalId',
  'firstName',
  'lastName',
  'name',
  'company',
  'title',
  'phone',
  'country',
] as const;
export type AttendeeField = (typeof ATTENDEE_FIELDS)[number];

/** The usual headers of each field, compared without case, spaces, `_` or `-`. */
export const ATTENDEE_HEADERS: Record<AttendeeField, readonly string[]> = {
  email: ['email', 'e-mail', 'email address', 'work email', '邮箱', '电子邮箱', '电子邮件', '邮件', '邮箱地址'],
  externalId: ['external id', 'registration id', 'attendee id', 'ticket id', '报名编号', '编号'],
  firstName: ['first name', 'firstname', 'given name', 'forename', '名', '名字'],
  lastName: ['last name', 'lastname', 'surname', 'family name', '姓', '姓氏'],
  name: ['name', 'full name', 'attendee name', 'contact name', '姓名', '全名', '联系人'],
  company: ['company', 'company name', 'organization', 'organisation', 'account', '公司', '公司名称', '单位', '企业'],
  title: ['title', 'job title', 'position', 'role', '职位', '职务', '头衔', '职称'],
  phone: ['phone', 'phone number', 'mobile', 'telephone', 'tel', '电话', '手机', '手机号', '联系电话', '电话号码'],
  country: ['country', 'country code', '国家', '国家/地区', '国家代码'],
};

export interface AttendeeImportOptions {
  source: LeadSource;
  campaign: string | null;
  /** The event's name, recorded in each lead's source details. */
  event: string | null;
  delimiter: ',' | ';' | '\t';
  /** The header of the column holding each field; default: ATTENDEE_HEADERS. */
  columns: Partial<Record<AttendeeField, string>>;
}

/** The file's rows as batch rows; 422 when the file is not CSV or its columns do not map, 413 when too long. */
export function attendeeRows(csv: string, options: AttendeeImportOptions): BatchRow[] {
  const [header, ...records] = readCsv(csv, options.delimiter);
  if (!header)
    throw invalidImport('The file is empty: the first row must name the columns.', [
      { path: 'body', message: 'has no header row', line: 1, column: null },
    ]);
  if (records.length === 0)
    throw invalidImport('The file has a header row but no attendees: there is nothing to capture.', [
      { path: 'body', message: 'has no rows after the header row', line: 2, column: null },
    ]);
  assertWithinBatchLimit(records.length, 'file');
  const { columns, problems } = mapColumns(header.record, ATTENDEE_FIELDS, ATTENDEE_HEADERS, options.columns);
  if (columns.email === undefined && columns.externalId === undefined && problems.length === 0)
    problems.push({
      path: 'columns.email',
      message: `the file has no email column (looked for: ${ATTENDEE_HEADERS.email.join(', ')}): name the column that holds it (its columns: ${header.record.join(', ')})`,
      line: 1,
      column: null,
    });
  if (problems.length > 0)
    throw invalidImport('The columns of the file do not map to the lead fields; nothing was captured.', problems);
  return records.map(({ record, info }) => {
    const cell = (field: AttendeeField) => {
      const at = columns[field];
      const value = at === undefined ? '' : (record[at] ?? '');
      return value === '' ? undefined : value;
    };
    const split = splitName(cell('name'));
    const lead = {
      email: cell('email'),
      externalId: cell('externalId'),
      firstName: cell('firstName') ?? split.firstName,
      lastName: cell('lastName') ?? split.lastName,
      company: cell('company'),
      title: cell('title'),
      phone: cell('phone'),
      country: countryCodeOfCell(cell('country')),
      source: options.source,
      sourceDetails: {
        ...(options.campaign ? { campaign: options.campaign } : {}),
        ...(options.event ? { event: options.event } : {}),
      },
    };
    const parsed = LeadInputSchema.safeParse(lead, { reportInput: true });
    if (parsed.success) {
      const { tenant: _none, ...valid } = parsed.data;
      return { row: info.lines, lead: valid };
    }
    return { row: info.lines, errors: rowErrors(parsed.error, info.lines, header.record, columns) };
  });
}

/** "Ana María Ruiz" → Ana María + Ruiz; a name without a space (张伟) is kept whole as the first name. */
function splitName(name: string | undefined): { firstName?: string; lastName?: string } {
  if (name === undefined) return {};
  const at = name.lastIndexOf(' ');
  return at <= 0 ? { firstName: name } : { firstName: name.slice(0, at).trim(), lastName: name.slice(at + 1) };
}

function rowErrors(
  error: z.ZodError,
  row: number,
  header: readonly string[],
  columns: Partial<Record<AttendeeField, number>>,
): RowError[] {
  return rowFieldProblems(error).map(({ field: path, message, code, values }) => {
    const field = path.split('.')[0] as AttendeeField;
    const at = columns[field] ?? (field === 'firstName' || field === 'lastName' ? columns.name : undefined);
    const column = at === undefined ? undefined : header[at];
    return {
      row,
      field: path,
      ...(column !== undefined ? { column } : {}),
      message: inFile(row, column, message),
      code,
      values,
      fileRow: true,
    };
  });
}
