import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Lead journeys whose SLA escalated before the worker counted escalation steps in its metrics
 * (`leadflow_sla_breaches_total`, behind `patched('sla-breach-metric')`) must replay unchanged.
 * The history in ./histories was recorded on the dev server with the code of commit 9310023,
 * through the HTTP API: a lead captured, made an MQL by a pricing-page visit, whose seconds-long
 * first-touch SLA ran all four steps (remind, reassign, notify the manager, move to the queue).
 */
const HISTORY = { file: 'lead-sla-escalated', workflowId: 'lead-t-bf27ad60-ld_vgKDrww-FEkhlhT-W5Kwcc' };

const history = (file: string) =>
  historyFromJSON(
    JSON.parse(gunzipSync(readFileSync(new URL(`./histories/${file}.json.gz`, import.meta.url))).toString('utf8')),
  );

describe('lead journey histories recorded before the SLA breach metric', () => {
  let workflowBundle: Awaited<ReturnType<typeof bundleWorkflowCode>>;
  beforeAll(async () => {
    workflowBundle = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
  }, 180_000);

  it('when a journey whose SLA escalated four times is replayed with the current code, then it replays as it ran', async () => {
    await expect(
      Worker.runReplayHistory({ workflowBundle }, history(HISTORY.file), HISTORY.workflowId),
    ).resolves.toBeUndefined();
  }, 60_000);
});
