/**
 * Every signal, query and update of the lead journey, defined once and shared by the workflow and
 * its clients (the API, the CLI, tests), so names and payload types cannot drift apart.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { LeadStage, LeadSubmission } from '../src/domain/lead';

/** What the caller learns when its submission has been recorded. */
export interface SubmissionReceipt {
  leadId: string;
  journeyId: string;
  /** True when this submission created the lead; false when it merged into an existing journey. */
  created: boolean;
  submissions: number;
}

/** Live state of a journey, read through the `journeyState` query. */
export interface JourneyState {
  leadId: string;
  tenant: string;
  stage: LeadStage;
  submissions: number;
  firstSubmittedAt: string | null;
  lastSubmittedAt: string | null;
  /** Submissions accepted by the workflow but not yet written to the database. */
  pendingWrites: number;
}

/** Records a (repeat) submission; update-with-start makes intake idempotent and race-free. */
export const submitLead = defineUpdate<SubmissionReceipt, [LeadSubmission]>('submitLead');

export const journeyState = defineQuery<JourneyState>('journeyState');
