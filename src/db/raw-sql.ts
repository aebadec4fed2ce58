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
