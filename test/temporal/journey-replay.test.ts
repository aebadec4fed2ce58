import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Lead journeys and deals that were running before the journey gaps of issue #11 (item 11) were
 * closed must go on under the new code: a manual reassignment now hands the lead over (a new
 * first-touch SLA, an email to the new owner), behaviours re-score after MQL, and a closing deal
 * moves its lead to `customer` or `lost`. Each change is behind `patched()`, so these histories,
 * recorded on the dev server with the code of commit da3e650 through the HTTP API, replay as they ran:
 *
 * - an MQL reassigned by hand to another rep, touched (call logged), reassigned back, given a
 *   behaviour and a resubmission after MQL, then moved to a queue;
 * - an MQL reassigned by hand before anyone touched it;
 * - two SQLs converted into deals, each with a behaviour after conversion; one deal closed won on
 *   an approved quote, the other closed lost.
 */
const HISTORIES: Array<{ file: string; workflowId: string }> = [
  { file: 'lead-reassigned-touched-queued', workflowId: 'lead-t-e05fa9ca-ld__Ij_ISZVwgYWxSY4FG-K1Z' },
  { file: 'lead-reassigned-untouched', workflowId: 'lead-t-e05fa9ca-ld_COVSEvIA-WzUDo5pp-VtEV' },
  { file: 'lead-converted-deal-won', workflowId: 'lead-t-e05fa9ca-ld_vOvxMVk5dN8hxtuAlq0Tya' },
  { file: 'lead-converted-deal-lost', workflowId: 'lead-t-e05fa9ca-ld_UCN8a2cuTSbzF3ML_wJUhD' },
  { file: 'deal-closed-won', workflowId: 'deal-t-e05fa9ca-dl_vOvxMVk5dN8hxtuAlq0Tya' },
  { file: 'deal-closed-lost', workflowId: 'deal-t-e05fa9ca-dl_UCN8a2cuTSbzF3ML_wJUhD' },
];

const history = (file: string) =>
  historyFromJSON(
    JSON.parse(gunzipSync(readFileSync(new URL(`./histories/${file}.json.gz`, import.meta.url))).toString('utf8')),
  );

describe('lead journeys and deals recorded before the journey gaps were closed', () => {
  let workflowBundle: Awaited<ReturnType<typeof bundleWorkflowCode>>;
  beforeAll(async () => {
    workflowBundle = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
  }, 180_000);

  it.each(HISTORIES)(
    'when $file is replayed with the current workflow code, then it replays as it ran',
    async ({ file, workflowId }) => {
      await expect(Worker.runReplayHistory({ workflowBundle }, history(file), workflowId)).resolves.toBeUndefined();
    },
    60_000,
  );
});
