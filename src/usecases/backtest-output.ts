/**
 * A finished backtest job's report written out a batch of changes at a time (the CLI's JSON and
 * HTML, the API's HTML page): the full list is read from the BacktestChange table page by page
 * and written as it comes, so memory stays bounded however many decisions change. The JSON is
 * byte for byte what `JSON.stringify(report, null, 2)` of the whole report would give.
 */
import { backtestHtmlParts, CHANGE_LIST_END, changeListStart, changeRows, NO_CHANGES } from '../rules/backtest/html';
import { BACKTEST_KINDS, type BacktestChange, type BacktestKind, type BacktestReport } from '../rules/backtest/tally';
import type { Db } from '../db/client';
import { allBacktestChanges } from './backtest-changes';

/** Takes the next piece of output; resolves when more may be written (backpressure). */
export type ChunkSink = (chunk: string) => Promise<void>;

/** A kind's full list, in batches, from the job's table. */
type ChangeSource = (kind: BacktestKind) => AsyncIterable<BacktestChange[]>;

export function storedChanges(db: Db, jobId: string): ChangeSource {
  return (kind) => allBacktestChanges(db, jobId, kind);
}

/** The report as HTML, each kind's list streamed from `changes`. */
export async function writeBacktestHtml(
  report: BacktestReport,
  changes: ChangeSource,
  write: ChunkSink,
): Promise<void> {
  for (const part of backtestHtmlParts(report)) {
    if (typeof part === 'string') {
      await write(part);
      continue;
    }
    let started = false;
    for await (const batch of changes(part.changes)) {
      if (batch.length === 0) continue;
      if (!started) await write(changeListStart(part.changes));
      started = true;
      await write(changeRows(batch));
    }
    await write(started ? CHANGE_LIST_END : NO_CHANGES);
  }
}

/** `"changed": "<slot>"` marks where a kind's list goes in the stringified report. */
const slotOf = (kind: BacktestKind) => `\u0000changed:${kind}\u0000`;

/** The report as indented JSON (as `JSON.stringify(report, null, 2)`), each kind's `changed` streamed from `changes`. */
export async function writeBacktestJson(
  report: BacktestReport,
  changes: ChangeSource,
  write: ChunkSink,
): Promise<void> {
  const kinds = BACKTEST_KINDS.filter((kind) => report[kind]);
  const skeleton = { ...report };
  for (const kind of kinds) Object.assign(skeleton, { [kind]: { ...report[kind], changed: slotOf(kind) } });
  let text = `${JSON.stringify(skeleton, null, 2)}\n`;
  for (const kind of kinds) {
    const slot = JSON.stringify(slotOf(kind));
    const at = text.indexOf(slot);
    const lineStart = text.lastIndexOf('\n', at) + 1;
    const indent = /^ */.exec(text.slice(lineStart))![0];
    await write(text.slice(0, at));
    let first = true;
    for await (const batch of changes(kind)) {
      const items = batch.map(({ kind: _kind, ...change }) =>
        JSON.stringify(change, null, 2).replaceAll('\n', `\n${indent}  `),
      );
      if (items.length === 0) continue;
      await write(`${first ? '[\n' : ',\n'}${indent}  ${items.join(`,\n${indent}  `)}`);
      first = false;
    }
    await write(first ? '[]' : `\n${indent}]`);
    text = text.slice(at + slot.length);
  }
  await write(text);
}
