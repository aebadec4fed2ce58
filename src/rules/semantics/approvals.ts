/**
 * Meaning checks for approvals.yaml. The important one: the tiers must cover every
 * discount from 0% to 100% at every deal size exactly once. A gap would leave a quote
 * with nobody allowed to approve it; an overlap would make the approver ambiguous.
 * Also: tax regions are real ISO codes, meeting reminders are calendar time, and the demo
 * follow-up names a cadence cadences.yaml defines.
 */
import { intendedCountryCode, isCountryCode, REGION_CODE_PATTERN } from '../../domain/countries';
import { parseDuration } from '../duration';
import type { ApprovalsFile, ApprovalTierSpec, ApproverRole } from '../schema/approvals';
import type { DocPath, Finding } from '../yaml-source';
import { checkCondition, checkDuplicateNames, unknownReference } from './conditions';

/**
 * `checkApprovals(file, cadences)`: `cadences` are the names cadences.yaml defines, or
 * undefined when that file has its own errors (the reference is checked once it is valid).
 */
export function checkApprovals(file: ApprovalsFile, cadences?: readonly string[]): Finding[] {
  return [
    ...Object.keys(file.quotes.taxRates ?? {}).flatMap((region) => (region === 'default' ? [] : checkTaxRegion(region, ['quotes', 'taxRates', region]))),
    ...(file.meetings?.remindBefore ?? []).flatMap((text, i) => checkReminder(text, ['meetings', 'remindBefore', i])),
    ...checkDemoFollowUp(file, cadences),
    ...checkReminderRecipients(file),
    ...checkDuplicateNames(file.tiers, ['tiers'], 'tier'),
    ...file.tiers.flatMap((tier, i) => [...checkBounds(tier, ['tiers', i]), ...checkChain(file, tier, ['tiers', i, 'chain'])]),
    ...checkCoverage(file.tiers),
    ...Object.entries(file.levels).flatMap(([role, level]) => {
      const path: DocPath = ['levels', role];
      if (level?.onTimeout === 'escalate' && level.escalateTo === undefined) {
        return [{ path: [...path, 'onTimeout'], at: 'value', severity: 'error', code: 'missing-key', message: 'onTimeout: escalate needs escalateTo: the role that decides instead', hint: 'e.g. escalateTo: director' } satisfies Finding];
      }
      if (level?.escalateTo !== undefined && level.onTimeout !== 'escalate') {
        return [{ path: [...path, 'escalateTo'], at: 'key', severity: 'warning', code: 'suspicious', message: `escalateTo is ignored because onTimeout is "${level.onTimeout}"` } satisfies Finding];
      }
      if (level?.escalateTo === role) return [{ path: [...path, 'escalateTo'], at: 'value', severity: 'error', code: 'invalid-value', message: `${role} escalates to itself` } satisfies Finding];
      if (level?.escalateTo !== undefined && !file.levels[level.escalateTo]) return [missingLevel(level.escalateTo, [...path, 'escalateTo'])];
      return [];
    }),
    ...Object.entries(file.stageExit).flatMap(([stage, criteria]) =>
      (criteria ?? []).flatMap((c, i) => checkCondition(c.when, ['stageExit', stage, i, 'when'])),
    ),
  ];
}

function checkTaxRegion(region: string, path: DocPath): Finding[] {
  const match = REGION_CODE_PATTERN.exec(region);
  const finding = (message: string, hint: string): Finding[] => [{ path, at: 'key', severity: 'error', code: 'invalid-value', message, hint }];
  if (!match) {
    const upper = region.toUpperCase();
    const hint = REGION_CODE_PATTERN.test(upper) && isCountryCode(upper.slice(0, 2)) ? `did you mean "${upper}"? region codes are upper case` : 'write an ISO 3166 country code, optionally with a subdivision: "GB", "DE", "US-NY"';
    return finding(`"${region}" is not a tax region code`, hint);
  }
  const country = match[1]!;
  if (isCountryCode(country)) return [];
  const intended = intendedCountryCode(country);
  const fixed = intended ? region.replace(country, intended) : undefined;
  return finding(`unknown country code "${country}" in tax region "${region}"`, fixed ? `did you mean "${fixed}"? ISO 3166 writes it that way` : 'use the ISO 3166 two-letter code, e.g. "GB" for the United Kingdom');
}

/** A reminder before a meeting counts back from its start in clock time; business time has no clear meaning there. */
function checkReminder(text: string, path: DocPath): Finding[] {
  const parsed = parseDuration(text);
  if (!parsed.ok || parsed.duration.kind === 'calendar') return [];
  return [{ path, at: 'value', severity: 'error', code: 'invalid-value', message: `meeting reminders are counted back from the start in calendar time, not "${text}"`, hint: `write e.g. "${calendarSpelling(parsed.duration.amount, parsed.duration.unit)}"` }];
}

/** `meetings.remind`: each recipient once, and only useful with reminders to send. */
function checkReminderRecipients(file: ApprovalsFile): Finding[] {
  const remind = file.meetings?.remind ?? [];
  const twice: Finding[] = remind.flatMap((who, i) => (remind.indexOf(who) === i ? [] : [{ path: ['meetings', 'remind', i], at: 'value', severity: 'error', code: 'invalid-value', message: `${who} is listed twice in meetings.remind`, hint: 'list each recipient once: [owner, attendees]' } satisfies Finding]));
  const idle: Finding[] = remind.length > 0 && (file.meetings?.remindBefore ?? []).length === 0 ? [{ path: ['meetings', 'remind'], at: 'key', severity: 'warning', code: 'suspicious', message: 'meetings.remind has no effect: meetings.remindBefore lists no reminders', hint: 'e.g. remindBefore: [1 day, 1 hour]' }] : [];
  return [...twice, ...idle];
}

function calendarSpelling(amount: number, unit: 'business-days' | 'business-hours'): string {
  const word = unit === 'business-days' ? 'day' : 'hour';
  return `${amount} ${amount === 1 ? word : `${word}s`}`;
}

function checkDemoFollowUp(file: ApprovalsFile, cadences: readonly string[] | undefined): Finding[] {
  const cadence = file.meetings?.demoFollowUp?.cadence;
  if (cadence === undefined || cadences === undefined || cadences.includes(cadence)) return [];
  return [unknownReference(['meetings', 'demoFollowUp', 'cadence'], 'cadence', cadence, cadences, 'cadences.yaml cadences')];
}

function missingLevel(role: ApproverRole, path: DocPath): Finding {
  return { path, at: 'value', severity: 'error', code: 'unknown-reference', message: `approver role "${role}" has no entry under levels:`, hint: `add levels.${role} with its deadline and onTimeout` };
}

function checkBounds(tier: ApprovalTierSpec, path: DocPath): Finding[] {
  const findings: Finding[] = [];
  const { over, upTo } = tier.discount;
  if (over !== undefined && upTo !== undefined && over >= upTo) {
    findings.push({ path: [...path, 'discount', 'upTo'], at: 'value', severity: 'error', code: 'invalid-value', message: `discount band is empty: over ${over}% up to ${upTo}%`, hint: 'upTo must be greater than over' });
  }
  const from = tier.dealSize?.from;
  const below = tier.dealSize?.below;
  if (from !== undefined && below !== undefined && from >= below) {
    findings.push({ path: [...path, 'dealSize', 'below'], at: 'value', severity: 'error', code: 'invalid-value', message: `deal size band is empty: from ${from} below ${below}`, hint: 'below must be greater than from' });
  }
  return findings;
}

function checkChain(file: ApprovalsFile, tier: ApprovalTierSpec, path: DocPath): Finding[] {
  const seen = new Set<string>();
  return tier.chain.flatMap((entry, i): Finding[] => {
    const roles = typeof entry === 'string' ? [{ role: entry, at: [...path, i] }] : entry.parallel.map((role, j) => ({ role, at: [...path, i, 'parallel', j] }));
    return roles.flatMap(({ role, at }): Finding[] => {
      const found: Finding[] = [];
      if (!file.levels[role]) found.push(missingLevel(role, at));
      if (seen.has(role)) found.push({ path: at, at: 'value', severity: 'error', code: 'duplicate-name', message: `${role} appears twice in the chain of tier "${tier.name}"` });
      seen.add(role);
      return found;
    });
  });
}

/** Half-open bands: discount (over, upTo] from 0 inclusive; deal size [from, below). */
export function tierCovers(tier: ApprovalTierSpec, discountPct: number, dealSize: number): boolean {
  const { over, upTo } = tier.discount;
  const discountOk = (over === undefined ? discountPct >= 0 : discountPct > over) && discountPct <= (upTo ?? 100);
  const from = tier.dealSize?.from ?? 0;
  const below = tier.dealSize?.below ?? Number.POSITIVE_INFINITY;
  return discountOk && dealSize >= from && dealSize < below;
}

/** Sample points: every boundary and a point between each pair, on both axes. */
function samples(bounds: number[], top: number): number[] {
  const sorted = [...new Set([0, ...bounds.filter((b) => b <= top), top])].sort((a, b) => a - b);
  const between = sorted.slice(1).map((b, i) => (sorted[i]! + b) / 2);
  return [...sorted, ...between].sort((a, b) => a - b);
}

function checkCoverage(tiers: readonly ApprovalTierSpec[]): Finding[] {
  const discounts = samples(tiers.flatMap((t) => [t.discount.over, t.discount.upTo].filter((x): x is number => x !== undefined)), 100);
  const sizeBounds = tiers.flatMap((t) => [t.dealSize?.from, t.dealSize?.below].filter((x): x is number => x !== undefined));
  const biggest = Math.max(0, ...sizeBounds);
  const sizes = [...samples(sizeBounds, biggest), biggest * 2 + 1];
  const findings: Finding[] = [];
  const reported = new Set<string>();
  let gap: { from: number; to: number; where: string } | undefined;
  const flushGap = () => {
    if (!gap) return;
    const band = gap.from === gap.to ? `a ${round(gap.to)}% discount` : `discounts over ${round(gap.from)}% up to ${round(gap.to)}%`;
    findings.push({ path: ['tiers'], at: 'key', severity: 'error', code: 'approval-gap', message: `no tier covers ${band} ${gap.where}: nobody could approve them`, hint: 'extend a neighbouring tier (over/upTo, from/below) to close the gap' });
    gap = undefined;
  };
  discounts.forEach((discount, i) => {
    const uncovered = sizes.filter((size) => !tiers.some((t) => tierCovers(t, discount, size)));
    const where = uncovered.length === sizes.length ? 'at any deal size' : `on deals of ${round(uncovered[0] ?? 0)}`;
    if (uncovered.length === 0 || (gap && gap.where !== where)) flushGap();
    if (uncovered.length > 0) gap = gap ? { ...gap, to: discount } : { from: i === 0 ? discount : discounts[i - 1]!, to: discount, where };
  });
  flushGap();
  for (const discount of discounts) {
    for (const size of sizes) {
      const matching = tiers.flatMap((t, i) => (tierCovers(t, discount, size) ? [i] : []));
      const key = matching.join(',');
      if (matching.length < 2 || reported.has(key)) continue;
      reported.add(key);
      const names = matching.map((i) => `"${tiers[i]!.name}"`).join(' and ');
      findings.push({ path: ['tiers', matching[1]!, 'discount'], at: 'key', severity: 'error', code: 'approval-overlap', message: `tiers ${names} overlap: both cover a ${round(discount)}% discount on a deal of ${round(size)}`, hint: 'make one tier start (over / from) where the other ends (upTo / below)' });
    }
  }
  return findings;
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '');
}
