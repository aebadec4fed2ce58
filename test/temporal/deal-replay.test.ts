import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Deals and approval chains that were running when the deal desk learned to keep several quotes
 * (issue #11) must go on under the new code: their histories replay unchanged, because every
 * change of behaviour is behind `patched()`. The histories in ./histories were recorded on the dev
 * server with the code of commit 4792c85, through the HTTP API:
 *
 * - a deal whose second quote collided with the first's approval chain, with a third and a fourth
 *   quote, one sent, then closed lost;
 * - a deal whose sent quote was edited into an approved version 2, then closed won by hand;
 * - a deal whose pending quote was edited into another pending version, then closed lost; and its
 *   two chains: one withdrawn by the edit, one that failed signalling the closed deal.
 *
 * And deals that closed before their lead followed the close (issue #11, item 11: the lead becomes
 * a customer or lost), recorded with the code of commit da3e650: one closed won on an approved
 * quote, one closed lost (their leads' journeys are in lead-replay).
 *
 * And a deal with meetings from before invitations and reminders to attendees (issue #14),
 * recorded with the code of commit da822ae: a meeting whose one-hour reminder went to the owner,
 * a demo held (its follow-up cadence started for the lead), then closed lost. Invitations and the
 * new reminders are behind `patched('meeting-invitations')` and `patched('meeting-reminder-recipients')`.
 */
const HISTORIES: Array<{ file: string; workflowId: string }> = [
  { file: 'deal-several-quotes-closed-lost', workflowId: 'deal-t-576a3f5b-dl_3mp_GMtDTKLFLozLZoGbqF' },
  { file: 'deal-quote-sent-edited-closed-won', workflowId: 'deal-t-576a3f5b-dl_Ep99UP0a26t54pbfbZ2f_k' },
  { file: 'deal-quote-edited-closed-lost', workflowId: 'deal-t-576a3f5b-dl_RrL_KPKL9MHr0x8BymXmGp' },
  {
    file: 'approval-withdrawn-by-new-version',
    workflowId: 'deal-t-576a3f5b-dl_RrL_KPKL9MHr0x8BymXmGp/approval-1',
  },
  {
    file: 'approval-finished-after-deal-closed',
    workflowId: 'deal-t-576a3f5b-dl_RrL_KPKL9MHr0x8BymXmGp/approval-2',
  },
  { file: 'deal-closed-won', workflowId: 'deal-t-e05fa9ca-dl_vOvxMVk5dN8hxtuAlq0Tya' },
  { file: 'deal-closed-lost', workflowId: 'deal-t-e05fa9ca-dl_UCN8a2cuTSbzF3ML_wJUhD' },
  { file: 'deal-meetings-reminded-demo-held', workflowId: 'deal-t-e62ee885-dl_c90MGwqbRE8TiFcu-Iofwq' },
];

const history = (file: string) =>
  historyFromJSON(
    JSON.parse(gunzipSync(readFileSync(new URL(`./histories/${file}.json.gz`, import.meta.url))).toString('utf8')),
  );

describe('deal-desk histories recorded before several quotes per deal', () => {
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

  it('when a history is replayed as another workflow (its child ids then differ), then replay reports nondeterminism', async () => {
    const replay = Worker.runReplayHistory({ workflowBundle }, history(HISTORIES[0]!.file), 'deal-elsewhere');
    await expect(replay).rejects.toMatchObject({ name: 'DeterminismViolationError' });
  }, 60_000);
});
