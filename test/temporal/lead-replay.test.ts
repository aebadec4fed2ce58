import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Lead journeys that were running before a change of behaviour must replay unchanged under the
 * new code, because each change is behind `patched()`. The histories in ./histories were recorded
 * on the dev server through the HTTP API:
 *
 * - with the code of commit 9310023, before the worker counted escalation steps in its metrics
 *   (`leadflow_sla_breaches_total`, `patched('sla-breach-metric')`): a lead made an MQL by a
 *   pricing-page visit, whose seconds-long first-touch SLA ran all four steps (remind, reassign,
 *   notify the manager, move to the queue);
 * - with the code of commit da3e650, before the journey gaps of issue #11 (item 11) were closed (a
 *   manual reassignment hands the lead over with a new SLA and an email, behaviours re-score after
 *   MQL, a closing deal moves its lead): an MQL reassigned by hand to another rep, touched (call
 *   logged), reassigned back, given a behaviour and a resubmission after MQL, then moved to a
 *   queue; an MQL reassigned by hand before anyone touched it; and two SQLs converted into deals,
 *   each given a behaviour after conversion, whose deals closed won and lost (see deal-replay).
 */
const HISTORIES: Array<{ file: string; workflowId: string }> = [
  { file: 'lead-sla-escalated', workflowId: 'lead-t-bf27ad60-ld_vgKDrww-FEkhlhT-W5Kwcc' },
  { file: 'lead-reassigned-touched-queued', workflowId: 'lead-t-e05fa9ca-ld__Ij_ISZVwgYWxSY4FG-K1Z' },
  { file: 'lead-reassigned-untouched', workflowId: 'lead-t-e05fa9ca-ld_COVSEvIA-WzUDo5pp-VtEV' },
  { file: 'lead-converted-deal-won', workflowId: 'lead-t-e05fa9ca-ld_vOvxMVk5dN8hxtuAlq0Tya' },
  { file: 'lead-converted-deal-lost', workflowId: 'lead-t-e05fa9ca-ld_UCN8a2cuTSbzF3ML_wJUhD' },
];

const history = (file: string) =>
  historyFromJSON(
    JSON.parse(gunzipSync(readFileSync(new URL(`./histories/${file}.json.gz`, import.meta.url))).toString('utf8')),
  );

describe('lead journey histories recorded before a change of behaviour', () => {
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
