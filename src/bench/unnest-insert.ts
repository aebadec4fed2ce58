/**
 * Bulk writes for generated benchmark data on PostgreSQL: one `INSERT … SELECT * FROM unnest(…)`
 * per batch with one array parameter per column, instead of Prisma's createMany, which binds every
 * value as its own parameter and so needs 500-row batches (issue #12: 100k leads took minutes).
 * Rows keep their createMany input shape; the columns' types are read from the catalogue, so a
 * row written here is stored exactly as createMany would store it.
 */
import type { Db } from '../db/client';

/** Rows per statement: the arrays are single parameters, so the batch is bounded by memory only. */
const BATCH = 5_000;

type Column = { name: string; type: string };
const columnsOf = new WeakMap<Db, Map<string, Promise<Map<string, string>>>>();

/** The table's column names and their PostgreSQL types (udt names: text, timestamp, jsonb, int8…). */
function tableColumns(db: Db, table: string): Promise<Map<string, string>> {
  const cache = columnsOf.get(db) ?? new Map<string, Promise<Map<string, string>>>();
  columnsOf.set(db, cache);
  let columns = cache.get(table);
  if (!columns) {
    columns = db
      .$queryRawUnsafe<{ name: string; type: string }[]>(
        `SELECT column_name::text AS name, udt_name::text AS type FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1`,
        table,
      )
      .then((rows) => new Map(rows.map((row) => [row.name, row.type])));
    cache.set(table, columns);
  }
  return columns;
}

/** A createMany input value as the element of a `type[]` parameter. */
function parameterValue(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'jsonb' || type === 'json') return JSON.stringify(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/**
 * Inserts `rows` (createMany inputs of the model stored in `table`) in batches. Like createMany, it
 * sets `updatedAt` to the moment of writing when the model has one and the rows leave it out.
 */
export async function insertWithUnnest(db: Db, table: string, rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const types = await tableColumns(db, table);
  const given = Object.keys(rows[0]!);
  const columns: Column[] = given.map((name) => {
    const type = types.get(name);
    if (!type) throw new Error(`insertWithUnnest: "${table}" has no column "${name}"`);
    return { name, type };
  });
  const stampUpdatedAt = types.has('updatedAt') && !given.includes('updatedAt');
  if (stampUpdatedAt) columns.push({ name: 'updatedAt', type: types.get('updatedAt')! });
  const names = columns.map((column) => `"${column.name}"`).join(', ');
  const arrays = columns.map((column, i) => `$${i + 1}::${column.type}[]`).join(', ');
  const sql = `INSERT INTO "${table}" (${names}) SELECT * FROM unnest(${arrays})`;
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH) as Record<string, unknown>[];
    const now = new Date();
    for (const row of batch)
      if (Object.keys(row).length !== given.length)
        throw new Error(`insertWithUnnest: the "${table}" rows do not all name the same columns`);
    const parameters = columns.map(({ name, type }) =>
      batch.map((row) => {
        if (stampUpdatedAt && name === 'updatedAt') return parameterValue(now, type);
        if (!(name in row)) throw new Error(`insertWithUnnest: a "${table}" row has no "${name}" while the first has`);
        return parameterValue(row[name], type);
      }),
    );
    await db.$executeRawUnsafe(sql, ...parameters);
  }
}
