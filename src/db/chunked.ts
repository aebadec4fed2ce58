/** Ids per statement: SQLite and PostgreSQL cap the parameters one statement may bind. */
const CHUNK = 500;

/** Runs `query` over `ids` in chunks of at most 500 and concatenates the rows, in chunk order. */
export async function chunked<T>(ids: readonly string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (let start = 0; start < ids.length; start += CHUNK) rows.push(...(await query(ids.slice(start, start + CHUNK))));
  return rows;
}
