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

const OPEN_DEAL_STAGES: readonly string[] = DEAL_STAGES.filter((s) => s !== 'closed-won' && s !== 'closed-lost');

/** The funnel position a recorded stage stands for: 0 lead … 4 won. */
function funnelRank(stage: string): number {
  if (stage === 'mql') return 1;
  if (stage === 'sql') return 2;
  if (stage === 'closed-won') return 4;
  if (stage === 'closed-lost' || OPEN_DEAL_STAGES.includes(stage)) return 3;
  return 0;
}

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
  const event = lead.stages.find((e) => funnelRank(e.to) >= rank && before(e.at, asOf));
  return event?.at ?? null;
}

export interface DealClose {
  outcome: 'won' | 'lost';
  at: Date;
}

/** Whether a transition to `stage` closes a deal. */
export const isClosing = (stage: string) => stage === 'closed-won' || stage === 'closed-lost';

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
