import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import { journeyState, type JourneyState } from '../../workflows/messages';
import { isDatabaseUnavailable, isTemporalUnavailable } from './availability';
import { LeadflowError } from '../domain/errors';
import type { RuleRegistry } from '../rules/registry';
import { leadPageExtras } from './lead-page';

export type JourneyView =
  | ({ status: 'live' } & JourneyState)
  /** The workflow engine is unreachable: the stored lead is still shown, flagged as such. */
  | { status: 'unavailable'; message: string }
  | { status: 'not_found'; message: string };

/**
 * Reads a lead for display: its stored record and history from the database, and its live
 * journey state through a workflow query. A Temporal outage degrades the journey part only.
 */
export async function viewLead(deps: { db: Db; temporal: Client; registry?: RuleRegistry }, leadId: string) {
  const lead = await readOrUnavailable(() =>
    deps.db.lead.findUnique({
      where: { id: leadId },
      include: {
        interactions: {
          orderBy: { occurredAt: 'asc' },
          select: { kind: true, source: true, occurredAt: true, payload: true },
        },
        stageEvents: {
          orderBy: { occurredAt: 'asc' },
          select: { fromStage: true, toStage: true, reason: true, rulesetVersion: true, occurredAt: true },
        },
        decisions: {
          orderBy: { decidedAt: 'asc' },
          select: { kind: true, outcome: true, explanation: true, rulesetVersion: true, decidedAt: true },
        },
        tasks: {
          orderBy: { dueAt: 'asc' },
          select: { kind: true, title: true, ownerEmail: true, dueAt: true, status: true },
        },
        emails: {
          orderBy: { createdAt: 'asc' },
          select: { toAddress: true, subject: true, template: true, status: true, sentAt: true },
        },
        enrolments: {
          orderBy: { enrolledAt: 'asc' },
          select: { cadence: true, status: true, nextStepName: true, nextStepAt: true, stoppedReason: true },
        },
      },
    }),
  );
  if (!lead) throw new LeadflowError('not_found', `No lead with id ${leadId}.`);
  const journey = await queryJourney(deps.temporal, lead.journeyId);
  const extras = await readOrUnavailable(() => leadPageExtras(deps, lead, journey.status === 'live' ? journey : null));
  return { ...lead, ...extras, journey };
}

async function queryJourney(temporal: Client, journeyId: string): Promise<JourneyView> {
  try {
    const state = await temporal.workflow.getHandle(journeyId).query(journeyState);
    return { status: 'live', ...state };
  } catch (error) {
    if (isTemporalUnavailable(error))
      return { status: 'unavailable', message: 'Temporal is unreachable; showing stored data only.' };
    if ((error as { name?: string }).name === 'WorkflowNotFoundError')
      return { status: 'not_found', message: `Journey ${journeyId} does not exist in Temporal.` };
    throw error;
  }
}

export async function readOrUnavailable<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isDatabaseUnavailable(error))
      throw new LeadflowError('database_unavailable', 'The database is unreachable. Retry shortly.', { cause: error });
    throw error;
  }
}
