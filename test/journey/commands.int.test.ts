import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyState } from '../../workflows/messages';
import { fastJourneyRules, rulesFixture } from '../support/rules-fixture';
import { http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';

const profile = (email: string) => ({
  email,
  firstName: 'Edsger',
  company: 'Structured',
  title: 'VP Engineering',
  source: 'ads',
  attributes: { employees: 1200, region: 'north-america', industry: 'software' },
});

/** The commands sales people send to a journey: disqualify and recycle, reassign, pause a cadence. */
describe('journey commands', () => {
  let system: TestSystem;
  const rulesDir = rulesFixture({
    ...fastJourneyRules,
    scoring: (doc) => doc.setIn(['disqualification', 'reasons', 'bad-timing', 'after'], '3 seconds'),
    escalation: (doc) => {
      fastJourneyRules.escalation(doc);
      doc.setIn(['slas', 0, 'within'], '1 hour');
    },
  });
  beforeAll(async () => {
    system = await startTestSystem('sqlite', { LEADFLOW_RULES_DIR: rulesDir });
  });
  afterAll(async () => {
    await system?.stop();
    rmSync(rulesDir, { recursive: true, force: true });
  });
  const post = (path: string, body: unknown) => http(`${system.url}${path}`, { body });

  it('when a lead is disqualified for bad timing, then it is recycled and comes back to marketing after the delay the rules set', async () => {
    const lead = await post('/api/leads', profile('edsger@structured.io'));
    const unknown = await post(`/api/leads/${lead.body.id}/disqualify`, {
      reason: 'too-expensive',
    });
    expect(unknown.status).toBe(409);
    expect(unknown.body.error.message).toContain('unknown disqualification reason "too-expensive"');

    const disqualified = await post(`/api/leads/${lead.body.id}/disqualify`, {
      reason: 'bad-timing',
    });
    expect(disqualified.body).toMatchObject({ stage: 'recycled', recycleAt: expect.any(String) });
    expect((await http(`${system.url}/api/leads/${lead.body.id}`)).body).toMatchObject({
      stage: 'recycled',
      disqualifiedReason: 'bad-timing',
    });

    expect(
      await eventually(
        async () => (await http(`${system.url}/api/leads/${lead.body.id}`)).body.stage === 'new',
        20_000,
      ),
    ).toBe(true);
    const events = (await http(`${system.url}/api/leads/${lead.body.id}`)).body.stageEvents.map(
      (event: { toStage: string; reason: string }) => `${event.toStage}: ${event.reason}`,
    );
    expect(events).toEqual([
      'new: captured from ads',
      'recycled: disqualified by revops@leadflow.test: bad-timing',
      'new: recycled back to marketing',
    ]);
  });

  it('when a manager reassigns an MQL by hand, then the new owner is recorded with who and why', async () => {
    const lead = await post('/api/leads', profile('tony@hoare.io'));
    await post(`/api/leads/${lead.body.id}/events`, { type: 'pricing-page-visit' });
    const moved = await post(`/api/leads/${lead.body.id}/reassign`, {
      repEmail: 'dana.whitfield@example.com',
      reason: 'strategic account',
    });
    expect(moved.body).toMatchObject({ owner: 'dana.whitfield@example.com', queue: null });
    const manual = await system.database.db.assignment.findFirst({ where: { leadId: lead.body.id, manual: true } });
    // The actor is the token's person, never a name the body gives.
    expect(manual).toMatchObject({ repEmail: 'dana.whitfield@example.com', actor: 'revops@leadflow.test' });
    expect(manual?.reason).toContain('strategic account');
    const bad = await post(`/api/leads/${lead.body.id}/reassign`, {
      repEmail: 'x@y.io',
      queue: 'q',
      reason: 'r',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([{ path: 'repEmail', message: 'give exactly one of repEmail or queue' }]);
    const impersonating = await post(`/api/leads/${lead.body.id}/reassign`, {
      repEmail: 'alice.chen@example.com',
      reason: 'r',
      actor: 'dora.director@acme.io',
    });
    expect(impersonating.status).toBe(400);
    expect(impersonating.body.error.fields).toEqual([
      { path: 'actor', message: "not accepted: the actor is the token's person (revops@leadflow.test)" },
    ]);
    expect((await http(`${system.url}/api/leads/${lead.body.id}`)).body.ownerId).toBe('dana.whitfield@example.com');
  });

  it('when the owner pauses and resumes the cadence, then the journey shows it and the cadence carries on', async () => {
    const lead = await post('/api/leads', profile('niklaus@wirth.io'));
    await post(`/api/leads/${lead.body.id}/events`, { type: 'pricing-page-visit' });
    const handle = system.temporal.workflow.getHandle(lead.body.journeyId);
    expect(await eventually(async () => (await handle.query(journeyState)).cadence?.status === 'active', 10_000)).toBe(
      true,
    );
    const paused = await post(`/api/leads/${lead.body.id}/cadence`, { paused: true });
    expect(paused.body).toMatchObject({ status: 'paused' });
    expect(
      await eventually(
        async () =>
          (await system.database.db.cadenceEnrolment.findFirst({ where: { leadId: lead.body.id } }))?.status ===
          'paused',
        10_000,
      ),
    ).toBe(true);
    const resumed = await post(`/api/leads/${lead.body.id}/cadence`, { paused: false });
    expect(resumed.body).toMatchObject({ status: 'active' });
    const none = await post(
      `/api/leads/${(await post('/api/leads', { email: 'none@cadence.io', source: 'ads' })).body.id}/cadence`,
      { paused: true },
    );
    expect(none.status).toBe(409);
    expect(none.body.error.message).toBe('the lead has no active cadence');
  });
});
