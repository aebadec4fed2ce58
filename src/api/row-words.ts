/**
 * The problems of a bulk intake's rows (a JSON batch, an attendee CSV) in the reader's language.
 * A row's problem is stored with its batch as a code and its values next to its English text, so
 * whoever reads the batch later (its status, its errors.csv, the workspace's upload page) reads it
 * in their own language; English is the stored text, exactly as answered before codes. A row stored
 * before codes has text only, and shows it in every language.
 *
 * Codes: `field` is an issue of the lead schema (src/api/schemas.ts), its values the zod issue's
 * own (what was expected, the bound, the allowed values, the rule's code), worded in Chinese as a
 * refused request's fields are (./zod-words.ts); the others are a row's clash with stored leads or
 * with the caller, in ROW_RULES below.
 */
import { z } from 'zod';
import type { Language } from '../domain/languages';
import type { RowError } from '../usecases/bulk-intake';
import { IDENTITY_CLASHES } from '../domain/identity-clash';
import { fieldErrors } from './errors';
import { chineseFieldMessage, ruleNamesInput, type Values } from './zod-words';

/** A row's problem as the API answers it: the stored code and values are left out. */
export type RowErrorAnswer = Pick<RowError, 'row' | 'field' | 'column' | 'message'>;

/** A row's clashes with the caller and, from the domain, with stored leads, in English (the text they always had) and Chinese. */
const ROW_RULES = {
  'tenant-not-yours': {
    en: (v: Values) => `is not your tenant (${v.tenant}); leave it out`,
    zh: (v: Values) => `不是您的租户（${v.tenant}），请省略此字段`,
  },
  ...IDENTITY_CLASHES,
} satisfies Record<string, { en: (values: Values) => string; zh: (values: Values) => string }>;
export type RowRuleCode = keyof typeof ROW_RULES;

/** A row's problem from ROW_RULES: its English text, code and values. */
export function rowRule(code: RowRuleCode, values: Values): Pick<RowError, 'message' | 'code' | 'values'> {
  return { message: ROW_RULES[code].en(values), code, values };
}

/** The issue fields the Chinese words of a zod issue read (./zod-words.ts chineseFieldMessage). */
const ISSUE_FIELDS = [
  'expected',
  'minimum',
  'maximum',
  'origin',
  'inclusive',
  'format',
  'pattern',
  'values',
  'keys',
  'divisor',
] as const;

/**
 * The field problems of a row the lead schema refused, as `fieldErrors` words them (same paths,
 * same English, same order), each with code `field` and its issue's values. Parse the row with
 * `{ reportInput: true }`: a missing value reads "required", and a refused country is named.
 */
export function rowFieldProblems(
  error: z.ZodError,
): { field: string; message: string; code: 'field'; values: Record<string, unknown> }[] {
  const seen = new Set<string>();
  const problems: { field: string; message: string; code: 'field'; values: Record<string, unknown> }[] = [];
  for (const issue of error.issues) {
    const [field] = fieldErrors(new z.ZodError([issue]));
    if (!field) continue;
    const key = `${field.path}\u0000${field.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ field: field.path, message: field.message, code: 'field', values: issueValues(issue) });
  }
  return problems;
}

/** What of a zod issue its words need, as JSON: the refused value only when a rule names it. */
function issueValues(issue: z.core.$ZodIssue): Record<string, unknown> {
  const all = issue as unknown as Record<string, unknown>;
  const values: Record<string, unknown> = { issue: issue.code };
  for (const name of ISSUE_FIELDS) {
    const value = all[name];
    if (value !== undefined) values[name] = typeof value === 'bigint' ? Number(value) : value;
  }
  if ('input' in all && all.input === undefined) values.missing = true;
  if (issue.code === 'custom') {
    const params = Object.entries(issue.params ?? {}).filter(([, v]) => ['string', 'number'].includes(typeof v));
    if (params.length > 0) values.params = Object.fromEntries(params);
    // The refused value is kept only for a rule whose words name it (not, say, a refused email).
    if (typeof all.input === 'string' && ruleNamesInput(issue.params?.code)) values.input = all.input;
  }
  return values;
}

/** A stored issue again as zod reports it, for its Chinese words. */
function storedIssue(values: Record<string, unknown>, message: string): z.core.$ZodIssue {
  const { issue, missing, ...rest } = values;
  return {
    ...rest,
    code: issue,
    path: [],
    message,
    ...(missing === true ? { input: undefined } : {}),
  } as z.core.$ZodIssue;
}

const primitives = (values: Record<string, unknown> | undefined): Values =>
  Object.fromEntries(
    Object.entries(values ?? {}).filter((entry): entry is [string, string | number] =>
      ['string', 'number'].includes(typeof entry[1]),
    ),
  );

/** The Chinese of a stored problem (without its row and column), or undefined for a row without a known code. */
function chineseProblem(error: RowError): string | undefined {
  const { code, values } = error;
  if (code === 'field' && values) return chineseFieldMessage(storedIssue(values, englishProblem(error)));
  if (code !== undefined && Object.hasOwn(ROW_RULES, code))
    return ROW_RULES[code as RowRuleCode].zh(primitives(values));
  return undefined;
}

/** The English problem without the file's "row 3, column "Email": " in front. */
function englishProblem(error: RowError): string {
  const place = filePlace(error);
  return place && error.message.startsWith(place) ? error.message.slice(place.length) : error.message;
}

/** "row 3, column "Email": ": how an attendee file's problem begins in English. */
function filePlace(error: RowError): string | undefined {
  return error.fileRow ? inFile(error.row, error.column, '') : undefined;
}

/** "row 3, column "Email": must be …": an attendee file's problem names its row and column first. */
export function inFile(row: number, column: string | undefined, message: string): string {
  return `row ${row}${column !== undefined ? `, column "${column}"` : ''}: ${message}`;
}

/**
 * A stored row problem in `language`, as the API answers it: English as stored; Chinese from its
 * code and values, an attendee file's row and column named first ("第 3 行，"邮箱" 列：…"); a
 * row stored before codes (or a code without Chinese words) as its stored text.
 */
export function rowErrorIn(error: RowError, language: Language): RowErrorAnswer {
  const { row, field, column } = error;
  const words = language === 'zh-CN' ? chineseProblem(error) : undefined;
  const message =
    words === undefined
      ? error.message
      : error.fileRow
        ? `第 ${row} 行${column !== undefined ? `，"${column}" 列` : ''}：${words}`
        : words;
  return { row, field, ...(column !== undefined ? { column } : {}), message };
}
