import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyState } from '../../workflows/messages';
import { providers } from '../support/database';
import { fastJourneyRules, rulesFixture } from '../support/rules-fixture';
import { http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';

/** 25 (1,200 employees) + 15 (software) + 20 (VP) + 15 (events) = 75: one pricing visit makes an MQL. */
const strongProfile = (email: string, firstName: string) => ({
  email,
  firstName,
  company: 'Analytical Engines',
  title: 'VP Sales',
  source: 'events',
  attributes: { employees: 1200, region: 'north-america', industry: 'software' },
});

/** An hour-long first-touch SLA: nothing escalates while these tests watch the score. */
const quietSla = (doc: Parameters<typeof fastJourneyRules.escalation>[0]) => {
  fastJourneyRules.escalation(doc);
  doc.setIn(['slas', 0, 'within'], '1 hour');
};

/**
 * Every behaviour re-scores a lead, also once it is an MQL (issue #11, item 11), and the score never
 * moves the stage back: an MQL whose points fade stays an MQL. Real dev server, SQLite.
 */
describe('scoring after MQL', () => {
  let system: TestSystem;
  const rulesDir = rulesFixture({
    ...fastJourneyRules,
    escalation: quietSla,
    // Behaviour points halve every 10 seconds and are gone after 20.
    scoring: (doc) => doc.set('decay', doc.createNode({ every: '10 seconds', lose: '50%', expireAfter: '20 seconds' })),
  });
  beforeAll(async () => {
    system = await startTestSystem('sqlite', { LEADFLOW_RULES_DIR: rulesDir });
  });
  afterAll(async () => {
    await system?.stop();
    rmSync(rulesDir, { recursive: true, force: true });
  });
  const post = (path: string, body: unknown) => http(`${system.url}${path}`, { body });
  const lead = async (id: string) => (await http(`${system.url}/api/leads/${id}`)).body;

  it('when an MQL attends a webinar, then the behaviour re-scores it with a stored decision; when its points fade below the threshold, it stays an MQL', async () => {
    const created = await post('/api/leads', strongProfile('ada@engines.io', 'Ada'));
    const visit = await post(`/api/leads/${created.body.id}/events`, { type: 'pricing-page-visit' });
    expect(visit.body).toMatchObject({ stage: 'mql', score: 90 });
    const webinar = await post(`/api/leads/${created.body.id}/events`, { type: 'webinar-attendance' });
    expect(webinar.body).toMatchObject({ stage: 'mql', score: 105 });
    expect(await lead(created.body.id)).toMatchObject({ stage: 'mql', score: 105 });

    // Decay goes on after MQL: every behaviour point fades away, and the lead is still an MQL.
    expect(await eventually(async () => (await lead(created.body.id)).score === 75, 40_000)).toBe(true);
    const faded = await lead(created.body.id);
    expect(faded).toMatchObject({ stage: 'mql', score: 75, journey: { stage: 'mql', score: 75 } });
    expect(faded.stageEvents.map((event: { toStage: string }) => event.toStage)).toEqual(['new', 'engaged', 'mql']);

    const mqlAt = Date.parse(faded.mqlAt);
    const afterMql = faded.decisions.filter(
      (decision: { kind: string; decidedAt: string }) =>
        decision.kind === 'scoring' && Date.parse(decision.decidedAt) >= mqlAt,
    ) as Array<{ outcome: { score: number; mql: boolean }; rulesetVersion: string }>;
    const scores = afterMql.map((decision) => decision.outcome.score);
    expect(scores).toContain(105);
    expect(scores.at(-1)).toBe(75);
    expect(afterMql.at(-1)!.outcome.mql).toBe(false);
    const version = (await http(`${system.url}/api/rules`)).body.activeVersion;
    expect(afterMql.every((decision) => decision.rulesetVersion === version)).toBe(true);
  });
});

describe.each(providers)('the lead list sorted by score on %s', (provider) => {
  let system: TestSystem;
  const rulesDir = rulesFixture({ ...fastJourneyRules, escalation: quietSla });
  beforeAll(async () => {
    system = await startTestSystem(provider, { LEADFLOW_RULES_DIR: rulesDir });
  });
  afterAll(async () => {
    await system?.stop();
    rmSync(rulesDir, { recursive: true, force: true });
  });
  const post = (path: string, body: unknown) => http(`${system.url}${path}`, { body });
  const list = async (query: string) => {
    const response = await http(`${system.url}/api/leads?${query}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as { leads: Array<{ id: string; score: number }>; nextCursor: string | null };
  };
  const capture = async (email: string, firstName: string, behaviours: string[] = []) => {
    const created = await post('/api/leads', strongProfile(email, firstName));
    for (const type of behaviours) await post(`/api/leads/${created.body.id}/events`, { type });
    return created.body.id as string;
  };

  it('when the MQL queue is listed with sort=score, then the highest score comes first, ties by who became an MQL first, and pages follow that order', async () => {
    const first = await capture('first@mql.io', 'First', ['pricing-page-visit']);
    const second = await capture('second@mql.io', 'Second', ['pricing-page-visit']);
    // An MQL that shows more interest moves up the queue: the webinar re-scores it after MQL.
    const hottest = await capture('hottest@mql.io', 'Hottest', ['pricing-page-visit', 'webinar-attendance']);
    const quiet = [await capture('quiet1@lead.io', 'Quiet'), await capture('quiet2@lead.io', 'Quiet')].sort();
    const cold = (await post('/api/leads', { email: 'cold@outreach.io', source: 'cold-outreach' })).body.id as string;
    const handle = system.temporal.workflow.getHandle(
      (await http(`${system.url}/api/leads/${hottest}`)).body.journeyId,
    );
    expect(await handle.query(journeyState)).toMatchObject({ stage: 'mql', score: 105 });

    const queue = await list('stage=mql&sort=score');
    expect(queue.leads.map((row) => [row.id, row.score])).toEqual([
      [hottest, 105],
      [first, 90],
      [second, 90],
    ]);
    expect(queue.nextCursor).toBeNull();
    // Newest first stays the default.
    expect((await list('stage=mql')).leads.map((row) => row.id)).toEqual([hottest, second, first]);

    // Every lead, one per page: the cursors walk the same order, never-MQL ties by id.
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`sort=score&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      walked.push(...page.leads.map((row) => row.id));
      cursor = page.nextCursor;
    } while (cursor !== null && walked.length < 10);
    expect(walked).toEqual([hottest, first, second, ...quiet, cold]);
    // The far ends of a score cursor are pages too (empty or full), never an error.
    expect((await list(`sort=score&cursor=999999999.9999999999999.${cold}`)).leads).toHaveLength(walked.length);
    expect((await list(`sort=score&cursor=-999999999.0.${cold}`)).leads).toEqual([]);
  });

  it('when the sort is unknown, then 400; when a cursor comes from the other order, then 422; both with field messages', async () => {
    const unknown = await http(`${system.url}/api/leads?stage=mql&sort=hottest`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({
      code: 'validation_failed',
      fields: [{ path: 'sort', message: 'must be one of: newest, score, activity' }],
    });
    const garbage = await http(`${system.url}/api/leads?sort=score&cursor=top`);
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.fields).toEqual([
      { path: 'cursor', message: 'must be the nextCursor of the previous page' },
    ]);
    // Each parameter is well-formed, but a cursor is a place in one order only.
    const leadId = (await list('limit=1')).leads[0]!.id;
    const idWithScore = await http(`${system.url}/api/leads?sort=score&cursor=${leadId}`);
    expect(idWithScore.status).toBe(422);
    expect(idWithScore.body.error).toMatchObject({
      code: 'unprocessable',
      fields: [{ path: 'cursor', message: expect.stringContaining('is the nextCursor of a page in another order') }],
    });
    const scoreWithNewest = await http(`${system.url}/api/leads?cursor=90.none.${leadId}`);
    expect(scoreWithNewest.status).toBe(422);
    expect(scoreWithNewest.body.error.fields).toEqual([
      { path: 'cursor', message: expect.stringContaining('sort=newest') },
    ]);
  });
});
