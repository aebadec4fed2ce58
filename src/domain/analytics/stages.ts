/**
 * Where a lead or deal stood, read from its recorded stage transitions: the funnel stages it
 * reached and when, and how a deal closed. The funnel is monotone: a lead that became an SQL
 * without a recorded MQL transition (imported, or qualified by hand) has reached MQL too, at the
 * same moment.
 */
import { LEAD_STAGES } from '../lead';
import { DEAL_STAGES } from '../../rules/facts';
import type { DealCourse, LeadFact } from './facts';

/** The funnel: lead → MQL → SQL → opportunity (a deal exists) → won. */
export const FUNNEL_STAGES = ['lead', 'mql', 'sql', 'opportunity', 'won'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** Every recorded stage, lead stages first, in the order reports list them. */
export const RECORDED_STAGES: readonly string[] = [...LEAD_STAGES, ...DEAL_STAGES];

/** Whether a transition to `stage` closes a deal. */
export const isClosing = (stage: string) => stage === 'closed-won' || stage === 'closed-lost';

const OPEN_DEAL_STAGES: readonly string[] = DEAL_STAGES.filter((stage) => !isClosing(stage));

/** The funnel position of each recorded stage that reaches past `lead`: 1 MQL … 4 won. */
const FUNNEL_RANKS: ReadonlyMap<string, number> = new Map([
  ['mql', 1],
  ['sql', 2],
  ...OPEN_DEAL_STAGES.map((stage): [string, number] => [stage, 3]),
  ['closed-lost', 3],
  ['closed-won', 4],
]);

/** The funnel position a recorded stage stands for: 0 lead … 4 won. */
const funnelRank = (stage: string): number => FUNNEL_RANKS.get(stage) ?? 0;

/** The recorded stages whose transition reaches funnel stage `stage` (or a later one). */
export function stagesReaching(stage: Exclude<FunnelStage, 'lead'>): string[] {
  const rank = FUNNEL_STAGES.indexOf(stage);
  return RECORDED_STAGES.filter((recorded) => funnelRank(recorded) >= rank);
}

const before = (at: Date, asOf: Date | undefined) => asOf === undefined || at.getTime() < asOf.getTime();

/** When the lead first reached `stage` (or a later one), counting transitions before `asOf`; null if not. */
export function reachedAt(lead: Pick<LeadFact, 'createdAt' | 'stages'>, stage: FunnelStage, asOf?: Date): Date | null {
  if (stage === 'lead') return before(lead.createdAt, asOf) ? lead.createdAt : null;
  const rank = FUNNEL_STAGES.indexOf(stage);
  for (const event of lead.stages) if (funnelRank(event.to) >= rank && before(event.at, asOf)) return event.at;
  return null;
}

/**
 * reachedAt for every funnel stage at once, in FUNNEL_STAGES' order, in one walk of the
 * transitions: each stage's is the first transition before `asOf` that reaches it or a later one.
 */
export function arrivalsOf(lead: Pick<LeadFact, 'createdAt' | 'stages'>, asOf?: Date): (Date | null)[] {
  const arrivals: (Date | null)[] = [before(lead.createdAt, asOf) ? lead.createdAt : null, null, null, null, null];
  let reached = 0; // the ranks up to this one have their arrival
  for (const event of lead.stages) {
    const rank = funnelRank(event.to);
    if (rank <= reached || !before(event.at, asOf)) continue;
    for (let r = reached + 1; r <= rank; r++) arrivals[r] = event.at;
    reached = rank;
  }
  return arrivals;
}

export interface DealClose {
  outcome: 'won' | 'lost';
  at: Date;
}

/** How and when the deal closed (its first closed-won or closed-lost transition before `asOf`). */
export function closeOf(deal: Pick<DealCourse, 'stages'>, asOf?: Date): DealClose | null {
  const event = deal.stages.find((e) => isClosing(e.to) && before(e.at, asOf));
  if (!event) return null;
  return { outcome: event.to === 'closed-won' ? 'won' : 'lost', at: event.at };
}

/** True when the deal is an open opportunity at `at`: opened before it, not closed before it. */
export function isOpenAt(deal: Pick<DealCourse, 'openedAt' | 'stages'>, at: Date): boolean {
  return deal.openedAt.getTime() < at.getTime() && closeOf(deal, at) === null;
}
