/**
 * The approvals.yaml additions for the deal desk: tax rates by region (parts per million, with
 * country and default fallback), advisory stage-exit criteria (`severity: warn`), meeting
 * reminders and the demo follow-up cadence, and how each is checked.
 */
import { describe, expect, it } from 'vitest';
import { checkStageExit, taxRateFor } from '../../src/rules/evaluate';
import { runRuleTests } from '../../src/rules/rule-tests';
import { formatDiagnostic } from '../../src/rules/types';
import { edit, loadWith, rulesetWith, shippedTexts } from './support/rulesets';

const texts = await shippedTexts();
const approvals = texts['approvals.yaml']!;
const shipped = await rulesetWith();

async function problems(from: string, to: string, file = 'approvals.yaml'): Promise<string[]> {
  const result = await loadWith({ [file]: edit(texts[file]!, from, to) });
  return result.ok ? [] : result.diagnostics.map(formatDiagnostic);
}

describe('tax rates by region', () => {
  it.each([
    ['US-NY', 88_750, 'region'],
    ['US-CA', 72_500, 'region'],
    ['US-TX', 0, 'country'],
    ['GB', 200_000, 'region'],
    ['DE', 190_000, 'region'],
    ['DE-BY', 190_000, 'country'],
    ['JP', 0, 'default'],
  ] as const)('when the customer is in %s, then the rate is %d ppm (from the %s)', (region, rate, source) => {
    expect(taxRateFor(shipped, region)).toEqual({ region, rate, source });
  });

  it('when a region is not listed but the default is not zero, then the default applies', async () => {
    const ruleset = await rulesetWith({ 'approvals.yaml': edit(approvals, '    default: 0%', '    default: 10%') });
    expect(taxRateFor(ruleset, 'BR')).toEqual({ region: 'BR', rate: 100_000, source: 'default' });
  });

  it('when approvals.yaml has no taxRates, then every region is taxed at 0% by default', async () => {
    const start = approvals.indexOf('  # Tax by the customer');
    const end = approvals.indexOf('renewals:');
    const ruleset = await rulesetWith({ 'approvals.yaml': `${approvals.slice(0, start)}\n${approvals.slice(end)}` });
    expect(ruleset.approvals.taxRates).toEqual({ rates: {}, defaultRate: 0 });
    expect(taxRateFor(ruleset, 'US-NY')).toEqual({ region: 'US-NY', rate: 0, source: 'default' });
  });

  it.each([
    ['a region in lower case', '    US-NY: 8.875%', '    us-ny: 8.875%', 'rules/approvals.yaml:89:5: quotes.taxRates.us-ny: "us-ny" is not a tax region code (did you mean "US-NY"? region codes are upper case)'],
    ['the United Kingdom written UK', '    GB: 20%', '    UK: 20%', 'rules/approvals.yaml:93:5: quotes.taxRates.UK: unknown country code "UK" in tax region "UK" (did you mean "GB"? ISO 3166 writes it that way)'],
    ['a three-letter country', '    DE: 19%', '    DEU: 19%', 'rules/approvals.yaml:94:5: quotes.taxRates.DEU: "DEU" is not a tax region code (write an ISO 3166 country code, optionally with a subdivision: "GB", "DE", "US-NY")'],
    ['a rate with five decimals', '    US-NY: 8.875%', '    US-NY: 8.87501%', 'rules/approvals.yaml:89:12: quotes.taxRates.US-NY: "8.87501%" has 5 decimals; rates are kept in parts per million (0.0001%), so at most 4'],
    ['a rate above 100%', '    GB: 20%', '    GB: 120%', 'rules/approvals.yaml:93:9: quotes.taxRates.GB: a tax rate must be at most 100%, got 120%'],
    ['a rate without the percent sign', '    DE: 19%', '    DE: "19"', 'rules/approvals.yaml:94:9: quotes.taxRates.DE: write a tax rate as a percentage like "8.875%" or "0%"'],
  ])('when %s is written, then it is reported with file:line:col', async (_what, from, to, expected) => {
    expect(await problems(from, to)).toEqual([expected]);
  });
});

describe('stage exit severity', () => {
  it('when a deal closes without an engaged decision maker, then the move is allowed with a warning', () => {
    const decision = checkStageExit(shipped, { stage: 'closed-won', facts: { deal: { quoteApproved: true, decisionMakerEngaged: false } } });
    expect(decision.outcome).toEqual({ kind: 'allowed', warnings: ['engage the decision maker (a meeting or a reply)'] });
    expect(decision.explanation.summary).toBe('The deal may enter closed-won. Warning: engage the decision maker (a meeting or a reply).');
  });

  it('when a blocking criterion is also unmet, then the move is blocked and still carries the warning', () => {
    const { outcome } = checkStageExit(shipped, { stage: 'closed-won', facts: { deal: { quoteApproved: false } } });
    expect(outcome).toEqual({ kind: 'blocked', missing: ["get the quote's discount approved"], warnings: ['engage the decision maker (a meeting or a reply)'] });
  });

  it('when every criterion is met, then there are no warnings', () => {
    const { outcome } = checkStageExit(shipped, { stage: 'closed-won', facts: { deal: { quoteApproved: true, decisionMakerEngaged: true } } });
    expect(outcome).toEqual({ kind: 'allowed', warnings: [] });
  });

  it('when a test case expects the wrong warnings, then the rules test fails and shows both', async () => {
    const ruleset = await rulesetWith({ 'approvals.yaml': edit(approvals, 'warnings: [engage the decision maker (a meeting or a reply)] }\n', 'warnings: [] }\n') });
    const failed = runRuleTests(ruleset, ['approvals']).filter((r) => !r.passed);
    expect(failed.map((r) => ({ name: r.name, diff: r.diff }))).toEqual([{
      name: 'closing without an engaged decision maker is allowed with a warning',
      diff: [{ field: 'warnings', expected: [], actual: ['engage the decision maker (a meeting or a reply)'] }],
    }]);
  });

  it('when severity is misspelt, then it is reported with the allowed values', async () => {
    expect(await problems('      severity: warn', '      severity: warning')).toEqual([
      'rules/approvals.yaml:137:17: stageExit.closed-won[1].severity: unknown value "warning" (expected one of: block, warn)',
    ]);
  });
});

describe('meetings', () => {
  it('when the shipped rules load, then reminders are 1 day and 1 hour before, and demos are followed up by the demo-follow-up cadence', () => {
    expect(shipped.approvals.meetingReminders.map((d) => d.text)).toEqual(['1 day', '1 hour']);
    expect(shipped.approvals.demoFollowUpCadence).toBe('demo-follow-up');
    expect(shipped.cadences.cadences['demo-follow-up']!.steps).toEqual([
      { do: 'email', after: null, template: 'demo-thanks' },
      expect.objectContaining({ do: 'call', after: expect.objectContaining({ text: '2 business days' }) }),
    ]);
  });

  it('when reminders are listed shortest first, then they are compiled in the order they fire', async () => {
    const ruleset = await rulesetWith({ 'approvals.yaml': edit(approvals, 'remindBefore: [1 day, 1 hour]', 'remindBefore: [15 minutes, 2 days]') });
    expect(ruleset.approvals.meetingReminders.map((d) => d.text)).toEqual(['2 days', '15 minutes']);
  });

  it('when a reminder is in business time, then it is refused with a calendar-time suggestion', async () => {
    expect(await problems('remindBefore: [1 day, 1 hour]', 'remindBefore: [1 business day, 1 hour]')).toEqual([
      'rules/approvals.yaml:102:18: meetings.remindBefore[0]: meeting reminders are counted back from the start in calendar time, not "1 business day" (write e.g. "1 day")',
    ]);
  });

  it('when the demo follow-up names a cadence cadences.yaml does not define, then it is reported with a suggestion', async () => {
    expect(await problems('cadence: demo-follow-up ', 'cadence: demo-followup ')).toEqual([
      'rules/approvals.yaml:105:14: meetings.demoFollowUp.cadence: unknown cadence "demo-followup": it is not defined in cadences.yaml cadences (did you mean "demo-follow-up"?)',
    ]);
  });

  it('when approvals.yaml has no meetings block, then there are no reminders and no follow-up', async () => {
    const start = approvals.indexOf('meetings:');
    const end = approvals.indexOf('# -----', start);
    const ruleset = await rulesetWith({ 'approvals.yaml': `${approvals.slice(0, start)}${approvals.slice(end)}` });
    expect(ruleset.approvals.meetingReminders).toEqual([]);
    expect(ruleset.approvals.demoFollowUpCadence).toBeNull();
    expect(ruleset.approvals.meetingRemind).toEqual(['owner']);
  });

  it('when the shipped rules load, then reminders go to the owner and the attendees', () => {
    expect(shipped.approvals.meetingRemind).toEqual(['owner', 'attendees']);
  });

  it('when remind is left out, then reminders go to the owner only (as before the field existed)', async () => {
    const ruleset = await rulesetWith({ 'approvals.yaml': edit(approvals, '  remind: [owner, attendees]', '  # remind left out') });
    expect(ruleset.approvals.meetingRemind).toEqual(['owner']);
  });

  it('when a recipient is misspelt, then it is reported at file:line:col with a suggestion', async () => {
    expect(await problems('remind: [owner, attendees]', 'remind: [owner, atendees]')).toEqual([
      'rules/approvals.yaml:103:19: meetings.remind[1]: unknown value "atendees" (did you mean "attendees"?)',
    ]);
  });

  it('when a recipient is listed twice, then it is refused at its position', async () => {
    expect(await problems('remind: [owner, attendees]', 'remind: [owner, owner]')).toEqual([
      'rules/approvals.yaml:103:19: meetings.remind[1]: owner is listed twice in meetings.remind (list each recipient once: [owner, attendees])',
    ]);
  });

  it('when remind is empty, then it is refused: a reminder must reach someone', async () => {
    const found = await problems('remind: [owner, attendees]', 'remind: []');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^rules\/approvals\.yaml:103:11: meetings\.remind: /);
  });

  it('when the reminder test case expects the owner only, then the rules test fails and shows who was reminded', async () => {
    const ruleset = await rulesetWith({
      'approvals.yaml': edit(approvals, 'expect: { to: [ann@leadflow.example, howard@compilers.io, grace@compilers.io] }', 'expect: { to: [ann@leadflow.example] }'),
    });
    const failed = runRuleTests(ruleset).filter((result) => !result.passed);
    expect(failed.map((f) => [f.name, f.diff])).toEqual([
      [
        'meeting reminders go to the owner and to every attendee with an address, once each',
        [{ field: 'to', expected: ['ann@leadflow.example'], actual: ['ann@leadflow.example', 'howard@compilers.io', 'grace@compilers.io'] }],
      ],
    ]);
  });
});

describe('price overrides', () => {
  it('when the shipped rules load, then no role may set a price below list without approval', () => {
    expect(shipped.approvals.priceOverridesWithoutApproval).toEqual([]);
  });

  it('when revops is listed (twice), then it is compiled once', async () => {
    const ruleset = await rulesetWith({ 'approvals.yaml': edit(approvals, '  withoutApproval: []', '  withoutApproval: [revops, revops]') });
    expect(ruleset.approvals.priceOverridesWithoutApproval).toEqual(['revops']);
  });

  it('when priceOverrides is left out, then nobody is exempt', async () => {
    const ruleset = await rulesetWith({ 'approvals.yaml': edit(approvals, 'priceOverrides:\n  withoutApproval: []\n', '') });
    expect(ruleset.approvals.priceOverridesWithoutApproval).toEqual([]);
  });

  it('when a role is misspelt, then it is reported at file:line:col with a suggestion', async () => {
    expect(await problems('  withoutApproval: []', '  withoutApproval: [revop]')).toEqual([
      'rules/approvals.yaml:148:21: priceOverrides.withoutApproval[0]: unknown value "revop" (did you mean "revops"?)',
    ]);
  });
});

describe('exit criteria in two languages', () => {
  it('when a criterion is written per language, then outcomes read its English and the Chinese is kept beside it; one string is kept as written', async () => {
    const { outcome } = checkStageExit(shipped, { stage: 'negotiation', facts: { deal: { quoteSent: false } } });
    expect(outcome).toEqual({ kind: 'blocked', missing: ['send a quote'], warnings: [] });
    expect(shipped.approvals.stageExitTexts.negotiation).toEqual({ 'send a quote': { en: 'send a quote', 'zh-CN': '发送报价' } });
    const plain = await rulesetWith({
      'approvals.yaml': edit(approvals, 'missing: { en: "send a quote", zh-CN: 发送报价 }', 'missing: send a quote'),
    });
    expect(plain.approvals.stageExitTexts.negotiation).toEqual({ 'send a quote': 'send a quote' });
  });

  const where = 'rules/approvals.yaml:129:16: stageExit.negotiation[0].missing';
  it.each([
    ['a language left out', '{ en: "send a quote" }', [`${where}.zh-CN: missing required key "zh-CN"`]],
    [
      'an unknown language',
      '{ en: "send a quote", zh: 发送报价 }',
      [`${where}.zh-CN: missing required key "zh-CN"`, `${where}: write one text per language, under en and zh-CN only`],
    ],
    ['an empty text', '""', [`${where}: must not be empty`]],
  ])('when %s is written, then it is reported with file:line:col', async (_what, written, expected) => {
    expect(await problems('missing: { en: "send a quote", zh-CN: 发送报价 }', `missing: ${written}`)).toEqual(expected);
  });
});
