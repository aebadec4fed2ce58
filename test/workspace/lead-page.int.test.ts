/**
 * A lead's page: the score as items a person reads as sentences (with the decay of old
 * behaviours), the cadence with its next step, and the first-touch SLA clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/database';
import { http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';

const DAY = 24 * 3600 * 1000;

describe.each(providers)("a lead's page on %s", (provider) => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem(provider);
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('when a lead visited pricing 40 days ago and again today, then its score reads as items that add up, the old visit decayed from 15 to 8; its cadence shows the next step and its SLA clock runs', async () => {
    const created = await http(`${system.url}/api/leads`, {
      body: {
        email: 'grace@compilers.io',
        firstName: 'Grace',
        company: 'Compilers Inc',
        title: 'VP Engineering',
        source: 'ads',
        attributes: { employees: 1200, industry: 'software', region: 'north-america' },
      },
    });
    const id = created.body.id as string;
    const oldVisit = new Date(Date.now() - 40 * DAY).toISOString();
    const visitEvent = (at: string) =>
      http(`${system.url}/api/leads/${id}/events`, { body: { type: 'pricing-page-visit', at } });
    expect((await visitEvent(oldVisit)).body).toMatchObject({ stage: 'engaged' });
    const recentVisit = new Date().toISOString();
    expect((await visitEvent(recentVisit)).body).toMatchObject({ stage: 'mql' });
    const ready = async () => {
      const page = (await http(`${system.url}/api/leads/${id}`)).body;
      return (
        page.scoreBreakdown?.score === 88 && page.cadence?.nextStepAt != null && page.slaClock.status === 'running'
      );
    };
    expect(await eventually(ready, 20_000)).toBe(true);

    const page = await http(`${system.url}/api/leads/${id}`);
    expect(page.status).toBe(200);
    const breakdown = page.body.scoreBreakdown;
    // rules/scoring.yaml: 1,000+ employees 25, core industry 15, executive 20, ads 5, and the visits 15 + 8.
    expect(breakdown).toMatchObject({ score: 88, threshold: 80, mql: true, rulesetVersion: expect.any(String) });
    expect(breakdown.items).toEqual([
      expect.objectContaining({
        part: 'attribute',
        signal: 'company-size',
        label: 'Company size: 1,000+ employees',
        // scoring.yaml writes this tier's label in both languages: the workspace shows the reader's.
        labels: { en: 'Company size: 1,000+ employees', 'zh-CN': '员工 1000 人以上' },
        points: 25,
        at: null,
      }),
      expect.objectContaining({
        part: 'attribute',
        signal: 'industry',
        label: 'Industry: core industry',
        labels: { en: 'Industry: core industry', 'zh-CN': '核心行业' },
        points: 15,
      }),
      expect.objectContaining({ part: 'attribute', signal: 'seniority', label: 'Seniority: executive', points: 20 }),
      expect.objectContaining({ part: 'source', signal: 'source:ads', label: 'Came from ads', points: 5, at: null }),
      {
        part: 'behaviour',
        signal: 'pricing-page-visit',
        label: 'Pricing page visit',
        labels: null,
        detail: '2 × 15, −7 decay',
        // The same, as values the workspace words in the reader's language (its hover text).
        why: { kind: 'behaviour', count: 2, each: 15, lost: 7, cap: 30 },
        points: 15,
        at: expect.any(String),
        decayedFrom: null,
        capped: false,
      },
      expect.objectContaining({
        signal: 'pricing-page-visit',
        points: 8,
        at: oldVisit,
        decayedFrom: 15,
        capped: false,
      }),
    ]);
    expect(Date.parse(breakdown.items[4].at)).toBe(Date.parse(recentVisit));
    expect(breakdown.items.reduce((sum: number, item: { points: number }) => sum + item.points, 0)).toBe(88);

    expect(page.body.cadence).toMatchObject({
      cadence: expect.any(String),
      status: 'active',
      nextStep: expect.any(String),
      enrolledAt: expect.any(String),
    });
    // The first step is due at once (the cadence's first email); its time is a real instant.
    expect(Number.isFinite(Date.parse(page.body.cadence.nextStepAt))).toBe(true);
    // An email step (the first, unless it was already sent) is named by the subject Grace will get
    // (cadences.yaml, in her language, English).
    const { nextStep, nextStepText } = page.body.cadence;
    if (nextStep.startsWith('email '))
      expect(nextStepText).toMatchObject({
        code: 'cadence-email',
        params: { subject: expect.stringMatching(/^Grace, /) },
      });
    expect(page.body.slaClock).toEqual({
      name: 'mql-first-touch',
      status: 'running',
      dueAt: page.body.slaDueAt,
      firstTouchAt: null,
      breached: false,
      escalationLevel: 0,
      escalations: [],
    });
    expect(Date.parse(page.body.slaClock.dueAt)).toBeGreaterThan(Date.parse(recentVisit));

    // A logged call meets the SLA: the clock stops and shows when.
    await http(`${system.url}/api/leads/${id}/events`, { body: { type: 'call-logged' } });
    const met = async () => (await http(`${system.url}/api/leads/${id}`)).body.slaClock.status === 'met';
    expect(await eventually(met, 20_000)).toBe(true);
    const after = (await http(`${system.url}/api/leads/${id}`)).body.slaClock;
    expect(after).toMatchObject({ status: 'met', breached: false, firstTouchAt: expect.any(String) });
  });
});
