import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { journeyState } from '../../workflows/messages';
import { rulesFixture } from '../support/rules-fixture';
import { http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';

const profile = (email: string) => ({
  email,
  firstName: 'Alan',
  company: 'Bletchley',
  title: 'VP Engineering',
  source: 'events',
  attributes: { employees: 1200, region: 'north-america', industry: 'software' },
});

/** Edits the MQL threshold in a rules folder, as RevOps would in an editor. */
function setThreshold(dir: string, threshold: number): void {
  const file = path.join(dir, 'scoring.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/threshold: \d+/, `threshold: ${threshold}`));
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(rulesDir: string): Promise<TestSystem> {
  const system = await startTestSystem('sqlite', { LEADFLOW_RULES_DIR: rulesDir }, { watchRules: true });
  cleanups.push(
    () => system.stop(),
    () => rmSync(rulesDir, { recursive: true, force: true }),
  );
  return system;
}

async function activeVersionChanges(system: TestSystem, from: string): Promise<string> {
  let version = from;
  await eventually(async () => (version = (await http(`${system.url}/api/rules`)).body.activeVersion) !== from, 15_000);
  expect(version).not.toBe(from);
  return version;
}

describe('a rules change during a journey', () => {
  it('when RevOps lowers the MQL threshold, then the next decision uses the new version, and the journey still replays', async () => {
    const dir = rulesFixture({});
    const system = await start(dir);
    const before = (await http(`${system.url}/api/rules`)).body.activeVersion as string;
    const lead = await http(`${system.url}/api/leads`, { body: profile('alan@bletchley.io') });
    expect((await http(`${system.url}/api/leads/${lead.body.id}`)).body).toMatchObject({ stage: 'new', score: 75 });

    setThreshold(dir, 76);
    const after = await activeVersionChanges(system, before);
    const visit = await http(`${system.url}/api/leads/${lead.body.id}/events`, { body: { type: 'page-visit' } });
    expect(visit.body).toMatchObject({ stage: 'mql', score: 76 });

    const scoring = await system.database.db.decision.findMany({
      where: { leadId: lead.body.id, kind: 'scoring' },
      orderBy: { decidedAt: 'asc' },
    });
    expect(scoring.map((decision) => decision.rulesetVersion)).toEqual([before, after]);
    // Each decision keeps the facts the rules saw, so a backtest can replay it exactly.
    expect(scoring[0]!.facts).toMatchObject({ source: { channel: expect.any(String) }, behaviours: [] });
    expect(scoring[1]!.facts).toMatchObject({ behaviours: [{ type: 'page-visit' }] });
    const mql = (await http(`${system.url}/api/leads/${lead.body.id}`)).body.stageEvents.at(-1);
    expect(mql).toMatchObject({ toStage: 'mql', rulesetVersion: after });

    // The history, replayed by today's code against today's (changed) rule files, must not diverge.
    const history = await system.temporal.workflow.getHandle(lead.body.journeyId).fetchHistory();
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: { codePath: inject('workflowBundlePath') } },
        history,
        lead.body.journeyId,
      ),
    ).resolves.toBeUndefined();
  });

  it('when the ruleset is pinned, then a journey keeps the version it started under', async () => {
    const dir = rulesFixture({ scoring: (doc) => doc.set('pin', true) });
    const system = await start(dir);
    const pinned = (await http(`${system.url}/api/rules`)).body.activeVersion as string;
    const lead = await http(`${system.url}/api/leads`, { body: profile('joan@clarke.io') });
    expect(await system.temporal.workflow.getHandle(lead.body.journeyId).query(journeyState)).toMatchObject({
      pinnedRulesVersion: pinned,
    });

    setThreshold(dir, 76);
    await activeVersionChanges(system, pinned);
    const visit = await http(`${system.url}/api/leads/${lead.body.id}/events`, { body: { type: 'page-visit' } });
    expect(visit.body).toMatchObject({ stage: 'engaged', score: 76 });
    const scoring = await system.database.db.decision.findMany({ where: { leadId: lead.body.id, kind: 'scoring' } });
    expect(new Set(scoring.map((decision) => decision.rulesetVersion))).toEqual(new Set([pinned]));
    expect((await http(`${system.url}/api/leads/${lead.body.id}`)).body).toMatchObject({
      pinnedRulesVersion: pinned,
      stage: 'engaged',
    });

    const newcomer = await http(`${system.url}/api/leads`, { body: profile('max@newman.io') });
    const newcomerVisit = await http(`${system.url}/api/leads/${newcomer.body.id}/events`, {
      body: { type: 'page-visit' },
    });
    expect(newcomerVisit.body).toMatchObject({ stage: 'mql' });
  });
});
