/**
 * Raw SQL for both providers, for reads too large for Prisma's object mapping (the analytics
 * loader reads tens of thousands of rows per report). Statements are written once with Prisma's
 * `sql` tag (placeholders become `?` on SQLite and `$n` on PostgreSQL); the few spellings that
 * differ between the two live here.
 */
import { Prisma } from './generated/sqlite/index.js';
import { providerOf, type Db } from './client';

export type Sql = Prisma.Sql;
export const sql = Prisma.sql;
export const join = Prisma.join;
export const empty = Prisma.empty;

/**
 * A one-column subquery over a list of strings, for `column IN (…)`: the list goes over as one
 * JSON parameter, so a list of any length fits in one statement (SQLite and PostgreSQL cap the
 * parameters of a statement) and the plan does not change with its length.
 */
export function valuesOf(db: Db, values: readonly string[]): Sql {
  const list = JSON.stringify(values);
  switch (providerOf(db)) {
    case 'sqlite':
      return sql`(SELECT value FROM json_each(${list}))`;
    case 'postgresql':
      return sql`(SELECT json_array_elements_text(CAST(${list} AS json)))`;
  }
}

/**
 * The distinct strings of a list as a derived table of one column, `value`, to put first in
 * `FROM … CROSS JOIN`: SQLite then loops over the list and looks each value up by index, where
 * with `column IN ${valuesOf}` it may prefer another index of the table (it has no statistics and
 * does not know the list is short). The list goes over as one JSON parameter, as in valuesOf.
 */
export function valuesTable(db: Db, values: readonly string[]): Sql {
  const list = JSON.stringify(values);
  switch (providerOf(db)) {
    case 'sqlite':
      return sql`(SELECT DISTINCT value FROM json_each(${list}))`;
    case 'postgresql':
      return sql`(SELECT DISTINCT json_array_elements_text(CAST(${list} AS json)) AS value)`;
  }
}

export const raw = Prisma.raw;

/**
 * The rows of a statement that runs beside others, read with no parallel workers on PostgreSQL
 * (`max_parallel_workers_per_gather` 0 for it alone, in a transaction of its own): on two cores, a
 * statement that takes two workers while another statement and JavaScript want the cores slows all
 * of them. SQLite has no parallel workers: `$queryRaw` as it is.
 */
export async function readBeside<Rows>(db: Db, query: Sql): Promise<Rows> {
  if (providerOf(db) === 'sqlite') return db.$queryRaw<Rows>(query);
  const [, rows] = await db.$transaction([
    db.$executeRaw`SELECT set_config('max_parallel_workers_per_gather', '0', true)`,
    db.$queryRaw<Rows>(query),
  ]);
  return rows;
}

/**
 * A column SQLite must not search by: `+column` there (a unary plus keeps the value and rules the
 * term out of index choice), the column itself on PostgreSQL, which plans by its statistics. For a
 * condition that only checks what another index has found: SQLite, which keeps no statistics, may
 * otherwise prefer a wide index on it (a tenant's every row) to the narrow one the join gives.
 */
export function unindexed(db: Db, column: Sql): Sql {
  switch (providerOf(db)) {
    case 'sqlite':
      return sql`+${column}`;
    case 'postgresql':
      return column;
  }
}

/**
 * A list of (string, instant, tag) rows as a derived table of three columns, `value`, `at` and
 * `tag` ('' when none), with `at` comparable with DateTime columns (SQLite: ISO text in the driver
 * adapter's format, as plusDays gives it; PostgreSQL: a timestamp). The list goes over as one JSON
 * parameter, as in valuesOf.
 */
export function instantsTable(db: Db, rows: readonly { value: string; at: Date; tag?: string }[]): Sql {
  const list = JSON.stringify(rows.map(({ value, at, tag }) => [value, at.toISOString(), tag ?? '']));
  switch (providerOf(db)) {
    case 'sqlite':
      return sql`(SELECT json_extract(e.value, '$[0]') AS value,
        strftime('%Y-%m-%dT%H:%M:%f+00:00', json_extract(e.value, '$[1]')) AS at,
        json_extract(e.value, '$[2]') AS tag FROM json_each(${list}) e)`;
    case 'postgresql':
      return sql`(SELECT e ->> 0 AS value, CAST(e ->> 1 AS timestamp(3)) AS at, e ->> 2 AS tag
        FROM json_array_elements(CAST(${list} AS json)) e)`;
  }
}

/** An instant as a driver returns it: a Date (PostgreSQL), ISO text (SQLite, also from MIN()); null stays null. */
export function instantOf(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  // Milliseconds since 1970, as epochMs reads them on PostgreSQL (a bigint comes as a BigInt).
  if (typeof value === 'bigint' || typeof value === 'number') return new Date(Number(value));
  return new Date(value as string);
}

/**
 * An instant column as a result column read back by instantOf: on PostgreSQL its milliseconds since
 * 1970 as a bigint, which the driver hands over as it is, where a timestamp is parsed from text into
 * a Date on the way (at 170 000 rows of seven instants, 0.7–0.9 s against 0.4–0.5 s); on SQLite,
 * the column as it is.
 *
 * PostgreSQL counts them with `date_part`, a double, not EXTRACT, a numeric since PostgreSQL 14:
 * over 1 000 000 rows the numeric arithmetic took 120 ms and the double 50 ms. Leadflow's instants
 * are whole milliseconds (timestamp(3)), and a double holds the seconds since 1970 to a quarter of a
 * microsecond, so the rounded count is exact.
 */
export function epochMs(db: Db, column: Sql): Sql {
  switch (providerOf(db)) {
    case 'sqlite':
      return column;
    case 'postgresql':
      return sql`CAST(date_part('epoch', ${column}) * 1000 AS bigint)`;
  }
}

/**
 * An instant column as whole milliseconds since 1970 in SQL, for arithmetic there: on PostgreSQL as
 * epochMs gives it (a bigint), on SQLite from its ISO text (julianday counts whole milliseconds, and
 * the day number of 1970-01-01 is exact in a double, so rounding gives the instant's own count).
 */
export function epochMsInSql(db: Db, column: Sql): Sql {
  switch (providerOf(db)) {
    case 'sqlite':
      return sql`CAST(ROUND((julianday(${column}) - 2440587.5) * 86400000) AS INTEGER)`;
    case 'postgresql':
      return epochMs(db, column);
  }
}

/** `value` held to [0, `limit`], both integers (NULL when either is). */
export function clampSql(db: Db, value: Sql, limit: Sql): Sql {
  switch (providerOf(db)) {
    case 'sqlite':
      return sql`MIN(MAX(${value}, 0), ${limit})`;
    case 'postgresql':
      return sql`LEAST(GREATEST(${value}, 0), ${limit})`;
  }
}

/**
 * Rows as a derived table with the columns `columns` (each a name and whether it holds whole numbers
 * or text), from one JSON parameter (an array of arrays, in the columns' order), as valuesOf sends a
 * list.
 */
export function jsonTable(
  db: Db,
  columns: Readonly<Record<string, 'integer' | 'text'>>,
  rows: readonly (readonly (number | string)[])[],
): Sql {
  const list = JSON.stringify(rows);
  const entries = Object.entries(columns);
  switch (providerOf(db)) {
    case 'sqlite':
      return sql`(SELECT ${raw(entries.map(([name], i) => `json_extract(e.value, '$[${i}]') AS ${name}`).join(', '))}
        FROM json_each(${list}) e)`;
    case 'postgresql': {
      const read = (i: number, type: 'integer' | 'text') =>
        type === 'integer' ? `CAST(e ->> ${i} AS bigint)` : `e ->> ${i}`;
      return sql`(SELECT ${raw(entries.map(([name, type], i) => `${read(i, type)} AS ${name}`).join(', '))}
        FROM json_array_elements(CAST(${list} AS json)) e)`;
    }
  }
}

/** The values of `expr` over a group as one comma-separated text (NULLs left out; no order). */
export function commaList(db: Db, expr: Sql): Sql {
  switch (providerOf(db)) {
    case 'sqlite':
      return sql`group_concat(${expr}, ',')`;
    case 'postgresql':
      return sql`string_agg(${expr}, ',')`;
  }
}

/**
 * The ids `id` of a group as one comma-separated text (commaList): with `cap`, the group's first
 * `cap` in code-point order. On SQLite those ranked `rn <= cap` (the `ROW_NUMBER()` column rankedBy
 * adds); on PostgreSQL the group's ids sorted in its aggregate and cut there: at 1M leads, the
 * channels' 272 000 arrivals in 0.31 s against 0.37–0.40 s for a window over all of them, sorted at
 * once (and spilled to disk). A group with no id to list gives NULL on SQLite and '' on
 * PostgreSQL: read both as none (`text ? text.split(',') : []`).
 */
function firstIds(db: Db, id: Sql, cap?: number): Sql {
  if (cap === undefined) return commaList(db, id);
  const first = raw(String(Math.trunc(cap)));
  switch (providerOf(db)) {
    case 'sqlite':
      return commaList(db, sql`CASE WHEN rn <= ${first} THEN ${id} END`);
    case 'postgresql':
      return sql`array_to_string((array_agg(${id} ORDER BY ${id} COLLATE "C"))[1:${first}], ',')`;
  }
}

/**
 * The rows of `source` (a table and its alias `alias`) ready for firstIds: on SQLite, with a cap,
 * each with its rank `rn` among the rows of its group (`partition`) in code-point order of `id`;
 * otherwise as they are.
 */
function rankedBy(db: Db, source: Sql, alias: string, partition: Sql, id: Sql, cap?: number): Sql {
  if (cap === undefined || providerOf(db) === 'postgresql') return sql`SELECT ${raw(alias)}.* FROM ${source}`;
  return sql`SELECT ${raw(alias)}.*, ROW_NUMBER() OVER (PARTITION BY ${partition} ORDER BY ${codePointOrder(db, id)}) AS rn
    FROM ${source}`;
}

/**
 * Per group of the rows of `source` (a table and its alias `alias`, with an `id` column), by the
 * columns `groups`: the group's columns, how many rows (`n`) and the first `cap` ids in code-point
 * order (`ids`, firstIds: a comma-separated text; every id without a cap). A statement, for `FROM`
 * or `WITH`.
 */
export function countedGroups(db: Db, source: Sql, alias: string, groups: Sql, cap?: number): Sql {
  return sql`SELECT ${groups}, COUNT(*) AS n, ${firstIds(db, sql`id`, cap)} AS ids
    FROM (${rankedBy(db, source, alias, groups, sql`id`, cap)}) ranked GROUP BY ${groups}`;
}

/**
 * `expr` for ORDER BY in code-point order, the order of the ids a report lists (compareText):
 * SQLite's BINARY collation already is; PostgreSQL's database collation may not be, "C" is.
 */
export function codePointOrder(db: Db, expr: Sql): Sql {
  switch (providerOf(db)) {
    case 'sqlite':
      return expr;
    case 'postgresql':
      return sql`${expr} COLLATE "C"`;
  }
}

/**
 * The instant `days` whole days after the DateTime column `column`, comparable with the column
 * and with Date parameters: SQLite stores instants as ISO text (`2026-03-01T05:00:00.000+00:00`,
 * the driver adapter's format), PostgreSQL as timestamps.
 */
export function plusDays(db: Db, column: Sql, days: number): Sql {
  const count = Math.trunc(days);
  switch (providerOf(db)) {
    case 'sqlite':
      return sql`strftime('%Y-%m-%dT%H:%M:%f+00:00', ${column}, ${`+${count} days`})`;
    case 'postgresql':
      return sql`(${column} + ${count} * INTERVAL '1 day')`;
  }
}

/**
 * The milliseconds from DateTime `from` to DateTime `to`, a whole number read as a JS number (a
 * double: exact below 2^53 ms). SQLite's julianday counts whole milliseconds inside (its ISO text
 * has no finer digit), so the rounding only drops the error of the double. PostgreSQL's
 * `date_part` gives a double too (EXTRACT gives a numeric since PostgreSQL 14, whose arithmetic
 * took 200 ms against 50 ms over 1 230 000 stays), rounded and kept a double rather than cast to a
 * bigint, which the driver reads as a BigInt.
 */
export function durationMs(db: Db, from: Sql, to: Sql): Sql {
  switch (providerOf(db)) {
    case 'sqlite':
      return sql`ROUND((julianday(${to}) - julianday(${from})) * 86400000)`;
    case 'postgresql':
      return sql`ROUND(date_part('epoch', ${to} - ${from}) * 1000)`;
  }
}

/**
 * The JSON field `key` (a plain name) of the JSON column `column`: its `type` ('string', 'number'
 * or another JSON type name; NULL when absent), its `text` (a string's value) and its `number`
 * (read only where `type` is 'number').
 */
export function jsonField(db: Db, column: Sql, key: string): { type: Sql; text: Sql; number: Sql } {
  if (!/^\w+$/.test(key)) throw new Error(`jsonField: "${key}" is not a plain field name`);
  switch (providerOf(db)) {
    case 'sqlite': {
      const path = raw(`'$.${key}'`);
      return {
        type: sql`(CASE json_type(${column}, ${path}) WHEN 'text' THEN 'string' WHEN 'integer' THEN 'number' WHEN 'real' THEN 'number' ELSE json_type(${column}, ${path}) END)`,
        text: sql`CAST(json_extract(${column}, ${path}) AS TEXT)`,
        number: sql`json_extract(${column}, ${path})`,
      };
    }
    case 'postgresql': {
      const name = raw(`'${key}'`);
      return {
        type: sql`jsonb_typeof(${column} -> ${name})`,
        text: sql`(${column} ->> ${name})`,
        number: sql`CAST(${column} ->> ${name} AS numeric)`,
      };
    }
  }
}

/**
 * The values of `expr` over a group as one comma-separated text in `order` (NULLs left out), for
 * returning a short history as one column of one row: SQLite's `group_concat` (ordered since 3.44)
 * and PostgreSQL's `string_agg` take the same ORDER BY.
 */
export function orderedList(db: Db, expr: Sql, order: Sql): Sql {
  switch (providerOf(db)) {
    case 'sqlite':
      return sql`group_concat(${expr}, ',' ORDER BY ${order})`;
    case 'postgresql':
      return sql`string_agg(${expr}, ',' ORDER BY ${order})`;
  }
}

/**
 * The DateTime column `column` as text that instantFromText reads back to the same millisecond:
 * SQLite stores it as ISO text already (the driver adapter's format); PostgreSQL's timestamp(3), in
 * UTC, as its milliseconds since 1970 (epochMs: exact), which JS turns into a Date
 * several times faster than it parses ISO text (at 1M leads, a report reads about half a million).
 */
export function instantText(db: Db, column: Sql): Sql {
  switch (providerOf(db)) {
    case 'sqlite':
      return column;
    case 'postgresql':
      return sql`CAST(${epochMs(db, column)} AS text)`;
  }
}

/** The instant instantText spelt: milliseconds since 1970 (PostgreSQL) or ISO text (SQLite). */
export function instantFromText(text: string): Date {
  return new Date(epochOfText(text));
}

/** instantFromText's instant as epoch milliseconds (NaN for a text that is no instant), with no Date made. */
export function epochOfText(text: string): number {
  return epochIn(text, 0, text.length);
}

/**
 * epochOfText of `text` from `start` to `end`, read in place: milliseconds since 1970 as digits (an
 * optional minus first) are counted without a string made for them (the pipeline report reads
 * 200 000 instants at 1M leads), anything else is parsed as ISO text.
 */
export function epochIn(text: string, start: number, end: number): number {
  const negative = text.charCodeAt(start) === 45; // '-'
  const first = negative ? start + 1 : start;
  // Up to 15 digits the count is exact in a double, summed digit by digit.
  if (first < end && end - first <= 15) {
    let value = 0;
    let i = first;
    for (; i < end; i++) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    if (i === end) return negative ? -value : value;
  }
  const part = text.slice(start, end);
  return /^-?\d+$/.test(part) ? Number(part) : Date.parse(part);
}

/**
 * Each entry of a comma-separated text (an orderedList read back) as its [start, end) indices in
 * `text`, in order, until `visit` returns false: the entries read in place, not split into an
 * array of strings (the pipeline report reads 150 000 entries at 1M leads).
 */
export function forEachEntry(text: string, visit: (start: number, end: number) => boolean | void): void {
  for (let start = 0; start < text.length;) {
    let end = text.indexOf(',', start);
    if (end < 0) end = text.length;
    if (visit(start, end) === false) return;
    start = end + 1;
  }
}
