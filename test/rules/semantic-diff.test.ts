/**
 * The semantic diff in RevOps words, one table row per file kind: an edit to the shipped files and
 * the line `leadflow rules diff` (and the activation summary) prints for it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { diffRuleTexts } from '../../src/rules/semantic-diff';
import { summariseChange } from '../../src/rules/change-summary';
import { rulesetWith, shippedTexts } from './support/rulesets';

let shipped: Record<string, string>;
beforeAll(async () => {
  shipped = await shippedTexts();
});

function edited(file: string, from: string, to: string): Record<string, string> {
  const text = shipped[file]!;
  if (!text.includes(from)) throw new Error(`test setup: "${from}" is not in ${file}`);
  return { ...shipped, [file]: text.replace(from, to) };
}

const diff = (file: string, from: string, to: string) => diffRuleTexts(shipped, edited(file, from, to)).map((c) => c.text);

describe('semantic diff wording', () => {
  it.each([
    ['scoring.yaml', '  threshold: 80', '  threshold: 75', 'scoring.yaml: MQL threshold 80 → 75'],
    ['scoring.yaml', 'pricing-page-visit:   { points: 15, cap: 30 }', 'pricing-page-visit:   { points: 20, cap: 30 }', 'scoring.yaml: behaviour pricing-page-visit points 15 → 20'],
    ['scoring.yaml', '  events: 15 ', '  events: 12 ', 'scoring.yaml: source points for events 15 → 12'],
    ['scoring.yaml', '        points: 25\n', '        points: 30\n', 'scoring.yaml: attribute company-size tier "1,000+ employees" points 25 → 30'],
    ['scoring.yaml', '{ then: recycle, after: 90 days }', '{ then: recycle, after: 60 days }', 'scoring.yaml: disqualification reason no-budget after 90 days → 60 days'],
    ['scoring.yaml', '  every: 30 days', '  every: 14 days', 'scoring.yaml: decay every 30 days → 14 days'],
    ['scoring.yaml', '    expect: { score: 70, mql: false }', '    expect: { score: 71, mql: false }', 'scoring.yaml: test case "a strong profile from an ad is not yet an MQL" changed'],
    ['routing.yaml', '{ rep: alice, weight: 2 }', '{ rep: alice, weight: 3 }', 'routing.yaml: pool enterprise-na member alice weight 2 → 3'],
    ['routing.yaml', 'members: [erik, fatima]', 'members: [erik, fatima, george]', 'routing.yaml: pool enterprise-emea members [erik, fatima] → [erik, fatima, george]'],
    ['routing.yaml', '    maxOpenLeads: 40', '    maxOpenLeads: 45', 'routing.yaml: pool mid-market max open leads 40 → 45'],
    ['routing.yaml', 'op: ">=", value: 200 }\n    assign: { pool: mid-market }', 'op: ">=", value: 250 }\n    assign: { pool: mid-market }', 'routing.yaml: rule mid-market condition company.employees >= 200 → company.employees >= 250'],
    ['escalation.yaml', '    within: 2 business hours', '    within: 3 business hours', 'escalation.yaml: SLA mql-first-touch within 2 business hours → 3 business hours'],
    ['escalation.yaml', 'countries: [AU, NZ]', 'countries: [AU, NZ, SG]', 'escalation.yaml: calendar apac countries [AU, NZ] → [AU, NZ, SG]'],
    ['cadences.yaml', '      - after: 2 business days\n        do: call\n        task: { en: "Intro call', '      - after: 1 business day\n        do: call\n        task: { en: "Intro call', 'cadences.yaml: cadence mql-standard step 2 wait 2 business days → 1 business day'],
    ['approvals.yaml', '    discount: { over: 10, upTo: 20 }', '    discount: { over: 10, upTo: 15 }', 'approvals.yaml: tier manager-authority discount up to 20 → 15'],
    ['approvals.yaml', '    chain: [manager, director]\n', '    chain: [manager, director, finance]\n', 'approvals.yaml: tier director-authority chain [manager, director] → [manager, director, finance]'],
    ['approvals.yaml', '    US-NY: 8.875%', '    US-NY: 9%', 'approvals.yaml: quotes tax rate US-NY 8.875% → 9%'],
    ['forecast.yaml', '  proposal: 0.5', '  proposal: 0.6', 'forecast.yaml: probability of proposal 0.5 → 0.6'],
    ['loss-reasons.yaml', '    requires: [competitor]', '    requires: [competitor, reason]', 'loss-reasons.yaml: loss reason competitor requires [competitor] → [competitor, reason]'],
  ])('when %s changes %j to %j, then the diff says %j', (file, from, to, expected) => {
    expect(diff(file, from, to)).toEqual([expected]);
  });

  it('when an email body or a stalled alert changes, then the body is named, not quoted, and a wait reads as after', () => {
    expect(diff('cadences.yaml', 'Would a 20-minute call next week help?', 'Would a 15-minute call next week help?')).toEqual([
      'cadences.yaml: template mql-intro body en changed',
    ]);
    expect(diff('escalation.yaml', '    stage: mql\n    after: 5 business days', '    stage: mql\n    after: 3 business days')).toEqual([
      'escalation.yaml: stalled alert mql-not-worked after 5 business days → 3 business days',
    ]);
  });

  it('when a long list gains and loses values, then the diff names only those values', () => {
    expect(diff('scoring.yaml', 'value: [US, CA, GB, IE, DE, FR, NL, SE, DK, AU]', 'value: [US, CA, GB, IE, DE, FR, NL, SE, DK, JP]')).toEqual([
      'scoring.yaml: attribute country tier "supported country" condition company.country in: added JP; removed AU',
    ]);
  });

  it('when a rule is added, removed or moved, then the diff says so by name', () => {
    const routing = shipped['routing.yaml']!;
    const strategic = routing.slice(routing.indexOf('  - name: strategic-accounts'), routing.indexOf('  - name: partner-referrals'));
    const moved = routing.replace(strategic, '').replace('  - name: mid-market\n', `${strategic}  - name: mid-market\n`);
    expect(diffRuleTexts(shipped, { ...shipped, 'routing.yaml': moved }).map((c) => c.text)).toEqual([
      expect.stringMatching(/^routing\.yaml: rules order \[strategic-accounts, partner-referrals, .*\] → \[partner-referrals, .*strategic-accounts, mid-market/),
    ]);
    const removed = diffRuleTexts(shipped, { ...shipped, 'routing.yaml': routing.replace(strategic, '') });
    expect(removed.map((c) => c.text)).toEqual(['routing.yaml: rule strategic-accounts removed']);
    expect(diffRuleTexts({ ...shipped, 'routing.yaml': routing.replace(strategic, '') }, shipped)[0]).toMatchObject({
      what: 'rule strategic-accounts',
      change: 'added',
      text: expect.stringMatching(/^routing\.yaml: rule strategic-accounts added/),
    });
  });

  it('when only comments or key order change, then the diff says comments or formatting only', () => {
    expect(diff('scoring.yaml', '  threshold: 80', '  threshold: 80   # was 80 last year')).toEqual(['scoring.yaml: comments or formatting only']);
    expect(diffRuleTexts(shipped, shipped)).toEqual([]);
  });

  it('when two versions differ, then the activation summary uses the same words as the diff', async () => {
    const before = await rulesetWith();
    const after = await rulesetWith({ 'scoring.yaml': edited('scoring.yaml', '  threshold: 80', '  threshold: 75')['scoring.yaml']!, 'forecast.yaml': edited('forecast.yaml', '  proposal: 0.5', '  proposal: 0.6')['forecast.yaml']! });
    expect(summariseChange(before, after)).toMatchObject({
      changedFiles: ['scoring.yaml', 'forecast.yaml'],
      changes: ['scoring.yaml: MQL threshold 80 → 75', 'forecast.yaml: probability of proposal 0.5 → 0.6'],
    });
  });
});
