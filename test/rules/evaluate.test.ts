/**
 * The pure decisions the journeys and the deal desk call: outcome, explanation and
 * version, from a ruleset that may have travelled as JSON (a workflow argument).
 */
import { describe, expect, it } from 'vitest';
import { checkStageExit, evaluateEnrolment, evaluateEscalation, evaluateQualification, evaluateRouting, evaluateScoring, requiredApprovals } from '../../src/rules/evaluate';
import type { Ruleset } from '../../src/rules/ruleset';
import { rulesetWith } from './support/rulesets';

const shipped = await rulesetWith();
/** What a workflow receives: the ruleset after a JSON round trip. */
const asWorkflowArgument = JSON.parse(JSON.stringify(shipped)) as Ruleset;

const strongProfile = {
  company: { employees: 1200, industry: 'software' as const, country: 'US', region: 'north-america' as const },
  contact: { seniority: 'vp' as const },
  source: { channel: 'ads' as const },
};

describe('scoring', () => {
  const visit = (daysAgo: number) => ({ type: 'pricing-page-visit' as const, at: new Date(Date.UTC(2025, 5, 1) - daysAgo * 86_400_000).toISOString() });
  const now = new Date(Date.UTC(2025, 5, 1));

  it.each([
    [0, 85, true],
    [29, 85, true],
    [30, 78, false],   // 15 → 8 after one period (rounded)
    [60, 74, false],   // 15 → 4
    [180, 70, false],  // expired
  ])('when the pricing visit was %i days ago, then the score is %i and MQL is %s', (daysAgo, score, mql) => {
    const { outcome } = evaluateScoring(shipped, { ...strongProfile, behaviours: [visit(daysAgo)] }, now);
    expect(outcome.score).toBe(score);
    expect(outcome.mql).toBe(mql);
  });

  it('when a lead becomes an MQL, then the decision lists the MQL actions, the breakdown, the next decay time and the version', () => {
    const decision = evaluateScoring(asWorkflowArgument, { ...strongProfile, behaviours: [visit(3)] }, now);
    expect(decision.version).toBe(shipped.version);
    expect(decision.outcome.mqlActions).toEqual([{ do: 'route' }, { do: 'notify', who: 'owner' }, { do: 'enrol-cadence' }]);
    expect(decision.outcome.breakdown.map((l) => `${l.points} ${l.name}`)).toEqual(['25 company-size', '15 industry', '20 seniority', '5 country', '5 source ads', '15 pricing-page-visit']);
    expect(decision.outcome.nextDecayAt).toBe('2025-06-28T00:00:00.000Z');
    expect(decision.explanation.summary).toBe('Score 85: reaches the MQL threshold of 80.');
    expect(decision.explanation.reasons[0]).toBe('+25 company-size: 1,000+ employees (company.employees is at least 1,000, seen 1,200)');
  });

  it('when BANT lacks a budget, then the lead stays MQL and the unmet criterion is named', () => {
    const decision = evaluateQualification(shipped, { bant: { budget: 'none', authority: 'decision-maker', need: 'confirmed', timeline: 'this-quarter' } });
    expect(decision.outcome).toEqual({
      kind: 'stay-mql',
      unmet: ['bant.budget is one of ["confirmed", "planned"], seen "none"'],
      // The same as a code, for the workspace to word in the reader's language.
      unmetReasons: [{ code: 'bant-unmet', params: { field: 'budget', expected: 'confirmed,planned', seen: 'none' } }],
    });
  });

  it('when BANT is not recorded at all, then each of the four is unmet with no value seen', () => {
    const decision = evaluateQualification(shipped, {});
    const reasons = decision.outcome.kind === 'stay-mql' ? decision.outcome.unmetReasons : [];
    expect(reasons?.map((r) => [r.code, r.params.field, r.params.seen])).toEqual([
      ['bant-unmet', 'budget', null],
      ['bant-unmet', 'authority', null],
      ['bant-unmet', 'need', null],
      ['bant-unmet', 'timeline', null],
    ]);
  });
});

describe('routing', () => {
  it('when a large North American lead is routed, then the pool carries weights, cap, skips and overflow for the journey to pick a rep', () => {
    const decision = evaluateRouting(asWorkflowArgument, strongProfile);
    expect(decision.outcome).toEqual({
      kind: 'assign',
      rule: 'enterprise-north-america',
      target: {
        type: 'pool',
        pool: {
          name: 'enterprise-na', strategy: 'weighted', maxOpenLeads: 25, skip: ['inactive', 'out-of-office'],
          overflow: { type: 'queue', queue: 'unassigned-mql' },
          members: [
            { rep: 'alice', email: 'alice.chen@example.com', weight: 2 },
            { rep: 'bruno', email: 'bruno.silva@example.com', weight: 1 },
            { rep: 'carmen', email: 'carmen.ortiz@example.com', weight: 1 },
          ],
        },
      },
    });
    const matched = decision.explanation.rules.at(-1)!;
    expect(matched.condition).toEqual({
      type: 'all', held: true, conditions: [
        { type: 'fact', fact: 'company.employees', op: '>=', expected: 1000, actual: 1200, held: true },
        { type: 'fact', fact: 'company.region', op: '==', expected: 'north-america', actual: 'north-america', held: true },
      ],
    });
  });
});

describe('escalation and cadences', () => {
  it('when an MQL-first-touch SLA applies, then the deadline, calendar and chain come back', () => {
    const { outcome } = evaluateEscalation(shipped, { sla: 'mql-first-touch', facts: { company: { employees: 300 } } });
    expect(outcome.within.text).toBe('2 business hours');
    expect(outcome.calendar).toEqual({ type: 'owner', fallback: 'north-america' });
    expect(outcome.defaultCalendar.timezone).toBe('America/New_York');
    expect(outcome.onBreach.map((s) => s.do)).toEqual(['remind-owner', 'reassign', 'notify-manager', 'move-to-queue']);
  });

  it('when an event lead is enrolled, then the cadence has business-day delays and the send window', () => {
    const { outcome } = evaluateEnrolment(shipped, { source: { channel: 'events' } });
    expect(outcome.kind === 'enrol' && outcome.cadence.steps.map((s) => s.after?.text ?? null)).toEqual([null, '1 business day', '3 business days']);
    expect(outcome.kind === 'enrol' && outcome.cadence.sendWindow).toEqual({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '07:30', to: '18:00' });
  });
});

describe('approvals', () => {
  it.each([
    [0, 10_000, 'rep-authority', ''],
    [10, 10_000, 'rep-authority', ''],
    [10.5, 10_000, 'manager-authority', 'manager'],
    [20, 249_999, 'manager-authority', 'manager'],
    [25, 249_999, 'director-authority', 'manager → director'],
    [25, 250_000, 'director-authority-large-deal', 'manager → director → vp'],
    [30, 1_000_000, 'director-authority-large-deal', 'manager → director → vp'],
    [30.01, 5_000, 'executive-authority', 'director → vp + finance'],
    [100, 5_000, 'executive-authority', 'director → vp + finance'],
  ])('when the discount is %d%% on a deal of %d, then tier %s decides: %s', (discountPct, dealSize, tier, chain) => {
    const { outcome } = requiredApprovals(asWorkflowArgument, { discountPct, dealSize });
    expect(outcome.kind === 'out-of-range' ? null : outcome.tier).toBe(tier);
    const steps = outcome.kind === 'required' ? outcome.chain.map((s) => s.approvers.map((a) => a.role).join(' + ')).join(' → ') : '';
    expect(steps).toBe(chain);
  });

  it('when the discount is above 100%, then no tier matches and the decision says so', () => {
    expect(requiredApprovals(shipped, { discountPct: 120, dealSize: 5_000 }).outcome).toEqual({ kind: 'out-of-range' });
  });

  it('when a manager level times out, then the chain says it escalates to the director with its deadline', () => {
    const { outcome } = requiredApprovals(shipped, { discountPct: 15, dealSize: 5_000 });
    expect(outcome.kind === 'required' && outcome.chain[0]!.approvers[0]).toMatchObject({ role: 'manager', onTimeout: 'escalate', escalateTo: 'director', deadline: { text: '1 business day' } });
  });

  it('when a deal without a decision maker tries to enter proposal, then the move is blocked with what is missing', () => {
    const { outcome } = checkStageExit(shipped, { stage: 'proposal', facts: { deal: { needsSummary: true, demoCompleted: true } } });
    expect(outcome).toEqual({ kind: 'blocked', missing: ['identify the decision maker among the stakeholders'], warnings: [] });
  });
});
