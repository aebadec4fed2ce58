/**
 * The bulk intake benchmark (`npm run bench -- bulk --rows=2000`): a real `leadflow start` on a
 * fresh data folder (embedded dev server with SQLite) takes an attendee CSV of `rows` unique
 * people through `POST /api/imports/attendees`. It reports the time to the 202 acknowledgment,
 * the time until every journey has stored its lead (polling GET /api/intake-batches/{id}), and
 * the time to acknowledge the same file again (every row already imported).
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { launchLeadflow } from './intake';

export interface BulkBenchOptions {
  rows: number;
}

/** `rows` attendees with unique emails, as an event tool exports them. */
export function attendeeCsv(rows: number): string {
  const lines = ['Email,First Name,Last Name,Company,Job Title,Country'];
  for (let i = 0; i < rows; i++)
    lines.push(`attendee${i}@bench-${i % 97}.example,Ada${i},Lovelace,Bench ${i % 211} Ltd,CTO,DE`);
  return `${lines.join('\n')}\n`;
}

export async function benchBulk(options: BulkBenchOptions): Promise<number> {
  const leadflow = await launchLeadflow(path.resolve(import.meta.dirname, '..', '..'));
  try {
    const csv = attendeeCsv(options.rows);
    const upload = async () => {
      const started = performance.now();
      const response = await fetch(`${leadflow.url}/api/imports/attendees?campaign=bench-fair`, {
        method: 'POST',
        headers: { authorization: `Bearer ${leadflow.token}`, 'content-type': 'text/csv' },
        body: csv,
      });
      const body = (await response.json()) as { id: string; accepted: number; alreadyImported: number };
      if (response.status !== 202) throw new Error(`upload answered ${response.status}: ${JSON.stringify(body)}`);
      return { ms: performance.now() - started, started, body };
    };
    const first = await upload();
    let progress: { done: boolean; progress: { stored: number; failed: number } };
    do {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const response = await fetch(`${leadflow.url}/api/intake-batches/${first.body.id}`, {
        headers: { authorization: `Bearer ${leadflow.token}` },
      });
      progress = (await response.json()) as typeof progress;
    } while (!progress.done);
    const allStored = (performance.now() - first.started) / 1000;
    const again = await upload();
    console.log(
      `\nleadflow bulk intake benchmark (leadflow start, embedded dev server on SQLite; a ${options.rows}-row attendee CSV)\n`,
    );
    console.log(`acknowledged (202):        ${first.ms.toFixed(0)} ms (${first.body.accepted} rows accepted)`);
    console.log(
      `every journey stored:      ${allStored.toFixed(1)} s after the upload (${progress.progress.stored} stored, ${progress.progress.failed} failed): ${(options.rows / allStored).toFixed(1)} journeys/s`,
    );
    console.log(
      `same file again (202):     ${again.ms.toFixed(0)} ms (${again.body.accepted} accepted, ${again.body.alreadyImported} already imported)`,
    );
    return progress.progress.stored === options.rows ? 0 : 1;
  } finally {
    await leadflow.stop();
  }
}
