/**
 * A broken copy of each shipped file produces precise `file:line:col` diagnostics, all
 * at once, and nothing is activated.
 */
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/rules/duration';
import { loadRulesetFromTexts } from '../../src/rules/load';
import { formatDiagnostic, RULE_KINDS } from '../../src/rules/types';
import { edit, fixture, loadWith, shippedTexts } from './support/rulesets';

async function diagnosticsWith(replacements: Record<string, string>): Promise<string[]> {
  const result = await loadWith(replacements);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.diagnostics.map(formatDiagnostic);
}

const EXPECTED: Record<(typeof RULE_KINDS)[number], string[]> = {
  scoring: [
    'rules/scoring.yaml:24:23: attributes[0].tiers[1].when.fact: unknown fact "company.employes" (did you mean "company.employees"?)',
    'rules/scoring.yaml:28:17: attributes[0].tiers[2].points: expected a number, got "ten" (text)',
    'rules/scoring.yaml:47:59: attributes[2].tiers[1].when.value: contact.seniority is never "directer" (did you mean "director"?)',
    'rules/scoring.yaml:85:3: behaviours.pricing-visit: unknown behaviour "pricing-visit" (did you mean "pricing-page-visit"?)',
    'rules/scoring.yaml:99:10: decay.every: unknown time unit "dayz" (did you mean "days"?)',
    'rules/scoring.yaml:113:11: mql.then[2].do: unknown action "enroll-cadence" (did you mean "enrol-cadence"?)',
  ],
  routing: [
    'rules/routing.yaml:48:16: pools.enterprise-na.members[2].rep: unknown rep "zoe": it is not defined in routing.yaml reps (expected one of: dana, alice, bruno, carmen, erik, fatima, george, hana, ivan, julia, kofi)',
    'rules/routing.yaml:92:5: rules[1].asign: unknown key "asign" (did you mean "assign"?)',
    'rules/routing.yaml:105:39: rules[3].when.all[1].op: unknown operator "=" (write "==" instead)',
    'rules/routing.yaml:112:11: rules[5].name: rule "enterprise-emea" is defined twice (first at rules[2]) (give each one a unique name)',
    'rules/routing.yaml:114:21: rules[5].assign.pool: unknown pool "mid-markt": it is not defined in routing.yaml pools (did you mean "mid-market"?)',
    'rules/routing.yaml:121:5: rules[7].when: rule "late-arrivals" can never match: the earlier rule "everyone-else" matches every lead (move "late-arrivals" above "everyone-else", or delete it)',
  ],
  escalation: [
    'rules/escalation.yaml:19:15: calendars.emea.timezone: unknown time zone "Europe/Londn" (did you mean "Europe/London"?)',
    'rules/escalation.yaml:26:33: calendars.apac.hours.to: working hours end (08:30) must be after they start (17:00)',
    'rules/escalation.yaml:56:13: slas[0].onBreach[1].do: unknown action "re-assign" (did you mean "reassign"?)',
    'rules/escalation.yaml:61:16: slas[0].onBreach[3].queue: unknown queue "unasigned-mql": it is not defined in routing.yaml queues (did you mean "unassigned-mql"?)',
    'rules/escalation.yaml:68:15: slas[1].calendar: unknown calendar "head-office": it is not defined in escalation.yaml calendars (or "owner") (expected one of: owner, north-america, emea, apac)',
    'rules/escalation.yaml:71:16: slas[1].onBreach[1].after: duration "0 business days" must be greater than zero (a wait of zero or less would fire immediately; remove the step or give it a positive delay)',
  ],
  cadences: [
    'rules/cadences.yaml:18:35: stopWhen[2]: unknown stop condition "unsubscribed" (did you mean "unsubscribe"?)',
    'rules/cadences.yaml:71:14: templates.referral-intro.subject: unknown placeholder {{contact.first_name}} (did you mean "contact.firstName"?)',
    'rules/cadences.yaml:94:19: cadences[0].steps[2].template: unknown template "mql-valu": it is not defined in cadences.yaml templates (did you mean "mql-value"?)',
    'rules/cadences.yaml:95:9: cadences[0].steps[3].after: missing required key "after": every step after the first needs a delay (e.g. after: 2 business days)',
    'rules/cadences.yaml:107:16: cadences[1].steps[1].after: duration "-1 business day" must be greater than zero (a wait of zero or less would fire immediately; remove the step or give it a positive delay)',
    'rules/cadences.yaml:134:14: enrolment[1].cadence: unknown cadence "referal-fast-track": it is not defined in cadences.yaml cadences (did you mean "referral-fast-track"?)',
  ],
  approvals: [
    'rules/approvals.yaml:21:16: levels.director.onTimeout: onTimeout: escalate needs escalateTo: the role that decides instead (e.g. escalateTo: director)',
    'rules/approvals.yaml:38:1: tiers: no tier covers discounts over 18% up to 20% at any deal size: nobody could approve them (extend a neighbouring tier (over/upTo, from/below) to close the gap)',
    'rules/approvals.yaml:38:1: tiers: no tier covers discounts over 20% up to 25% on deals of 250000: nobody could approve them (extend a neighbouring tier (over/upTo, from/below) to close the gap)',
    'rules/approvals.yaml:56:38: tiers[3].dealSize.below: deal size band is empty: from 250000 below 100000 (below must be greater than from)',
    'rules/approvals.yaml:61:5: tiers[4].discount: tiers "director-authority" and "executive-authority" overlap: both cover a 27.5% discount on a deal of 0 (make one tier start (over / from) where the other ends (upTo / below))',
    'rules/approvals.yaml:62:40: tiers[4].chain[1].parallel[1]: approver role "finance" has no entry under levels: (add levels.finance with its deadline and onTimeout)',
  ],
  forecast: [
    'rules/forecast.yaml:7:17: probabilities.presentation: a probability is between 0 and 1, got 25 (write 0.25 for 25%)',
    'rules/forecast.yaml:9:3: probabilities.negociation: unknown key "negociation" (did you mean "negotiation"?)',
    'rules/forecast.yaml:21:19: categories[2].when.fact: fact "deal.amount" cannot be used in this file (facts available here: deal.stage, deal.probability)',
    'rules/forecast.yaml:26:15: categories[3].category: unknown category "commited" (did you mean "commit"?)',
    'rules/forecast.yaml:31:12: overrides.allowed: expected a boolean, got "yes" (text)',
    'rules/forecast.yaml:35:12: tests[0].stage: unknown stage "closed-won" (expected one of: needs-analysis, presentation, proposal, negotiation)',
  ],
  'loss-reasons': [
    'rules/loss-reasons.yaml:8:16: reasons.price.requires[0]: unknown requirement "notes" (expected one of: competitor, reason)',
    'rules/loss-reasons.yaml:11:28: reasons.competitor.requires[1]: "competitor" is listed twice (list each requirement once)',
    'rules/loss-reasons.yaml:13:12: reasons.timing.label.zh-CN: missing required key "zh-CN"',
    'rules/loss-reasons.yaml:16:5: reasons.fit.require: unknown key "require" (did you mean "requires"?)',
    'rules/loss-reasons.yaml:17:3: reasons.Other: "Other" is not a valid name: names use lowercase letters, digits and dashes, e.g. "enterprise-na" (write "other")',
    'rules/loss-reasons.yaml:21:11: fallback: unknown loss reason "othr": it is not defined in loss-reasons.yaml reasons (expected one of: price, competitor)',
  ],
};

describe('broken copies of the shipped files', () => {
  it.each(RULE_KINDS)('when %s.yaml is broken in six places, then all six are reported with file:line:col and hints', async (kind) => {
    expect(await diagnosticsWith({ [`${kind}.yaml`]: await fixture(`broken/${kind}.yaml`) })).toEqual(EXPECTED[kind]);
  });

  it('when two files are broken, then the problems of both are reported together', async () => {
    const diagnostics = await diagnosticsWith({ 'routing.yaml': await fixture('broken/routing.yaml'), 'cadences.yaml': await fixture('broken/cadences.yaml') });
    expect(diagnostics).toEqual([...EXPECTED.cadences, ...EXPECTED.routing]);
  });
});

const texts = await shippedTexts();

describe('single problems', () => {
  const cases: [string, string, string, string, string][] = [
    ['the MQL threshold is out of reach', 'scoring.yaml', '  threshold: 80', '  threshold: 500', 'rules/scoring.yaml:108:14: mql.threshold: MQL threshold 500 can never be reached: the highest possible score is 328 (attributes 65 + source 25 + behaviours 238) (lower the threshold to at most 328, or raise points or caps)'],
    ['decay is in business time', 'scoring.yaml', '  every: 30 days', '  every: 20 business days', 'rules/scoring.yaml:99:10: decay.every: decay runs in calendar time, not business time ("20 business days") (use days or weeks, e.g. "30 days")'],
    ['a YAML indentation error', 'routing.yaml', 'queues:\n  unassigned-mql:', 'queues:\n unassigned-mql:', 'rules/routing.yaml:36:1: All mapping items must start at the same column (check the indentation and that every "key: value" has its colon)'],
    ['a key appears twice', 'approvals.yaml', 'quotes:\n  validFor: 30 days', 'quotes:\n  validFor: 30 days\n  validFor: 45 days', 'rules/approvals.yaml:83:3: this key appears twice in the same block (remove or rename one of them)'],
    ['a number compared with text', 'routing.yaml', '{ fact: company.employees, op: ">=", value: 200 }', '{ fact: company.employees, op: ">=", value: "200" }', 'rules/routing.yaml:125:55: rules[5].when.value: company.employees is a number, got "200" (text) (remove the quotes and any thousands separators)'],
    ['"in" without a list', 'cadences.yaml', 'op: in, value: [partner-referral, customer-referral]', 'op: in, value: partner-referral', 'rules/cadences.yaml:238:50: enrolment[1].when.value: "in" needs a list of values, got "partner-referral" (text) (write value: ["partner-referral"] or use "==")'],
    ['a fact from another file', 'routing.yaml', '{ fact: source.channel, op: "==", value: partner-referral }', '{ fact: quote.discountPct, op: ">", value: 10 }', 'rules/routing.yaml:103:19: rules[1].when.fact: fact "quote.discountPct" cannot be used in this file (facts available here: company.*, contact.*, source.*, lead.*)'],
  ];
  it.each(cases)('when %s, then it is reported precisely', async (_what, file, from, to, expected) => {
    expect(await diagnosticsWith({ [file]: edit(texts[file]!, from, to) })).toEqual([expected]);
  });

  it('when a rule file is missing, then the ruleset is not activated and the file is named', () => {
    const { 'approvals.yaml': _omitted, ...rest } = texts;
    const missing = loadRulesetFromTexts(rest, { displayDir: 'rules' });
    expect(missing.ok).toBe(false);
    expect(missing.ok ? [] : missing.diagnostics.map(formatDiagnostic)).toEqual([
      'rules/approvals.yaml:1:1: approvals.yaml is missing (every ruleset needs all 7 files: scoring.yaml, routing.yaml, escalation.yaml, cadences.yaml, approvals.yaml, forecast.yaml, loss-reasons.yaml)',
    ]);
  });
});

describe('durations', () => {
  it.each([
    ['2 business hours', 'business', '2 business hours'],
    ['1 business day', 'business', '1 business day'],
    ['48 hours', 'calendar', '48 hours'],
    ['30  Days', 'calendar', '30 days'],
    ['90 seconds', 'calendar', '90 seconds'],
  ])('when "%s" is parsed, then it is a %s duration written "%s"', (text, kind, normalised) => {
    const parsed = parseDuration(text);
    expect(parsed.ok && parsed.duration.kind).toBe(kind);
    expect(parsed.ok && parsed.duration.text).toBe(normalised);
  });

  it.each([
    ['0 hours', 'duration "0 hours" must be greater than zero'],
    ['-3 business days', 'duration "-3 business days" must be greater than zero'],
    ['2 buisness hours', 'unknown time unit "buisness hours"'],
    ['soon', '"soon" is not a duration'],
  ])('when "%s" is parsed, then it is rejected: %s', (text, message) => {
    const parsed = parseDuration(text);
    expect(parsed.ok ? null : parsed.message).toBe(message);
  });
});
