/**
 * Meaning checks for approvals.yaml. The important one: the tiers must cover every
 * discount from 0% to 100% at every deal size exactly once. A gap would leave a quote
 * with nobody allowed to approve it; an overlap would make the approver ambiguous.
 */
import type { ApprovalsFile, ApprovalTierSpec, ApproverRole } from '../schema/approvals';
import type { DocPath, Finding } from '../yaml-source';
import { checkCondition, checkDuplicateNames } from './conditions';

export function checkApprovals(file: ApprovalsFile): Finding[] {
  return [
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
