/**
 * The buying committee at an account: who the stakeholders are, who reports to whom, and what a
 * rep should worry about (no decision maker, a decision maker never engaged, a powerful blocker,
 * nobody championing the deal). Pure: the caller loads the contacts.
 */

export const STAKEHOLDER_ROLES = [
  'economic-buyer',
  'decision-maker',
  'influencer',
  'champion',
  'user',
  'blocker',
] as const;
export type StakeholderRole = (typeof STAKEHOLDER_ROLES)[number];

export const INFLUENCE_LEVELS = ['low', 'medium', 'high'] as const;
export type Influence = (typeof INFLUENCE_LEVELS)[number];

/** The roles that can say yes: an economic buyer signs the budget, a decision maker picks the vendor. */
export const DECISION_ROLES: readonly StakeholderRole[] = ['economic-buyer', 'decision-maker'];

/** A stakeholder as the graph needs them. */
export interface Stakeholder {
  id: string;
  name: string;
  email: string | null;
  title: string | null;
  role: StakeholderRole;
  influence: Influence;
  reportsToId: string | null;
  /** Last time they took part (a meeting attended, a reply); null if never. */
  engagedAt: Date | null;
}

export type StakeholderWarningCode =
  'no-decision-maker' | 'decision-maker-not-engaged' | 'high-influence-blocker' | 'no-champion';

export interface StakeholderWarning {
  code: StakeholderWarningCode;
  message: string;
  /** The contacts the warning is about (empty when it is about someone missing). */
  contactIds: string[];
}

export interface StakeholderEdge {
  from: string;
  to: string;
  kind: 'reports-to';
}

export interface StakeholderGraph {
  nodes: Stakeholder[];
  edges: StakeholderEdge[];
  warnings: StakeholderWarning[];
}

export function isDecisionRole(role: StakeholderRole): boolean {
  return DECISION_ROLES.includes(role);
}

/** Whether a decision maker (or economic buyer) is known, and whether any of them has engaged. */
export function decisionMakerStatus(stakeholders: readonly Pick<Stakeholder, 'role' | 'engagedAt'>[]): {
  identified: boolean;
  engaged: boolean;
} {
  const deciders = stakeholders.filter((s) => isDecisionRole(s.role));
  return { identified: deciders.length > 0, engaged: deciders.some((s) => s.engagedAt !== null) };
}

/** What a rep should act on, in a fixed order: missing decider, unengaged decider, blockers, no champion. */
export function stakeholderWarnings(stakeholders: readonly Stakeholder[]): StakeholderWarning[] {
  const warnings: StakeholderWarning[] = [];
  const deciders = stakeholders.filter((s) => isDecisionRole(s.role));
  const status = decisionMakerStatus(stakeholders);
  if (!status.identified) {
    warnings.push({
      code: 'no-decision-maker',
      message:
        'No decision maker or economic buyer is identified: find out who signs and add them with role decision-maker or economic-buyer.',
      contactIds: [],
    });
  } else if (!status.engaged) {
    warnings.push({
      code: 'decision-maker-not-engaged',
      message: `No decision maker has engaged yet (${deciders.map((s) => s.name).join(', ')}): get them into a meeting or a reply before closing.`,
      contactIds: deciders.map((s) => s.id),
    });
  }
  for (const blocker of stakeholders.filter((s) => s.role === 'blocker' && s.influence === 'high')) {
    warnings.push({
      code: 'high-influence-blocker',
      message: `${blocker.name} is a blocker with high influence: plan how to address their objections.`,
      contactIds: [blocker.id],
    });
  }
  if (!stakeholders.some((s) => s.role === 'champion')) {
    warnings.push({
      code: 'no-champion',
      message: 'Nobody champions the deal inside the account: identify a champion.',
      contactIds: [],
    });
  }
  return warnings;
}

/** The stakeholders as a graph: one node each, a `reports-to` edge from a contact to their manager, and the warnings. */
export function stakeholderGraph(stakeholders: readonly Stakeholder[]): StakeholderGraph {
  const ids = new Set(stakeholders.map((s) => s.id));
  const edges = stakeholders
    .filter((s): s is Stakeholder & { reportsToId: string } => s.reportsToId !== null && ids.has(s.reportsToId))
    .map((s): StakeholderEdge => ({ from: s.id, to: s.reportsToId, kind: 'reports-to' }));
  return { nodes: [...stakeholders], edges, warnings: stakeholderWarnings(stakeholders) };
}

/**
 * The reporting line that `contactId` reporting to `reportsToId` would close into a circle, e.g.
 * `["ana", "ben", "ana"]`; null when there is no cycle. `reportsTo` maps each contact to their manager.
 */
export function reportingCycle(
  reportsTo: ReadonlyMap<string, string | null>,
  contactId: string,
  reportsToId: string | null,
): string[] | null {
  const line = [contactId];
  for (let current = reportsToId; current !== null; current = reportsTo.get(current) ?? null) {
    line.push(current);
    if (current === contactId) return line;
    if (line.length > reportsTo.size + 1) return null; // an existing cycle elsewhere: not this edit's doing
  }
  return null;
}
