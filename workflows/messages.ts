/**
 * Every signal, query and update of the lead journey and its child workflows, defined once and
 * shared by the workflows and their clients (the API, the CLI, tests), so names and payload types
 * cannot drift apart.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { LeadProfile, LeadStage, LeadSubmission } from '../src/domain/lead';
import type { Bant } from '../src/domain/lead-facts';
import type { LeadEvent } from '../src/domain/lead-events';
import type { Worded } from '../src/domain/reason-codes';
import type { ScoreLine } from '../src/rules/evaluate';
import type { EscalationStep } from '../src/rules/ruleset';

/** What the caller learns when its submission has been recorded. */
export interface SubmissionReceipt {
  leadId: string;
  journeyId: string;
  /** True when this submission created the lead; false when it merged into an existing journey. */
  created: boolean;
  submissions: number;
}

export interface SlaState {
  name: string;
  status: 'running' | 'met' | 'breached';
  dueAt: string | null;
  /** Escalation steps taken so far, in order ("remind-owner", "reassign", …). */
  escalations: string[];
}

export interface CadenceState {
  name: string;
  workflowId: string;
  status: 'active' | 'paused' | 'completed' | 'stopped';
  nextStep: string | null;
  nextStepAt: string | null;
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
  score: number;
  scoreBreakdown: ScoreLine[];
  /** When decay next lowers the score (a durable timer waits for it), or null. */
  nextDecayAt: string | null;
  owner: string | null;
  queue: string | null;
  sla: SlaState | null;
  /** The stalled-stage alert watching the current stage, if escalation.yaml defines one. */
  stalled: {
    alert: string;
    stage: LeadStage;
    status: 'watching' | 'alerted' | 'cleared';
    escalations: string[];
  } | null;
  cadence: CadenceState | null;
  /** The ruleset version this journey is pinned to, or null to follow the active version. */
  pinnedRulesVersion: string | null;
  /** Version of the rules behind the latest decision. */
  lastRulesVersion: string | null;
  /** The opportunity this SQL was converted into (absent in journeys from before conversion existed). */
  deal?: { dealId: string; workflowId: string } | null;
  /**
   * Set when a step failed for good and a person must look (the lead's `journeyStatus` is then
   * `needs-attention`); the latest such failure. Absent in journeys from before it existed.
   */
  attention?: Attention | null;
}

/** Why a journey needs a person: the step that failed for good, the failure's code and message. */
export interface Attention {
  step: string;
  code: string;
  reason: string;
  at: string;
}

/** Carried across continue-as-new, beyond the public state. */
export interface JourneyMemory {
  profile: LeadProfile | null;
  behaviours: Array<{ type: string; at: string }>;
  bant: Bant | null;
  /** The owner's first touch met the first-touch SLA (set since hand-overs; see journey/sla.ts `firstTouched`). */
  touched: boolean;
  /** Workflow id of the running SLA watch, to cancel it on the first touch. */
  slaWatchId: string | null;
  /** The running SLA's escalation steps, run one by one as the watch signals them. */
  slaSteps: EscalationStep[];
  /** When a recycled lead comes back to marketing (a durable timer waits for it). */
  recycleAt: string | null;
  stalledWatchId: string | null;
  stalledSteps: EscalationStep[];
  /** Behaviours, submissions and decay re-score the lead after MQL too (absent in journeys from before). */
  scoresAfterMql?: boolean;
}

export interface EventReceipt {
  leadId: string;
  stage: LeadStage;
  score: number;
  duplicate: boolean;
}

export interface QualificationReceipt {
  stage: LeadStage;
  /** Criteria not met when the lead stays MQL. */
  unmet: string[];
  /** The same as codes (src/domain/reason-codes.ts), for a client to word; absent from older answers. */
  unmetReasons?: Worded[];
  rulesVersion: string;
}

export interface BantRequest {
  bant: Bant;
  actor: string;
  at: string;
}
export interface DisqualifyRequest {
  reason: string;
  actor: string;
  at: string;
}
export interface ReassignRequest {
  to: { repEmail: string } | { queue: string };
  actor: string;
  reason: string;
  at: string;
}

/** Records a (repeat) submission; update-with-start makes intake idempotent and race-free. */
export interface ConvertRequest {
  actor: { email: string; role: string };
  /** The deal's name; defaults to the company's name. */
  name?: string;
  /** The lead's buying role as the deal's first stakeholder. */
  contactRole: 'economic-buyer' | 'decision-maker' | 'influencer' | 'champion' | 'user' | 'blocker';
}

export const submitLead = defineUpdate<SubmissionReceipt, [LeadSubmission]>('submitLead');
/** A behaviour or sales-activity event for the lead's timeline (and score, and SLA). */
export const recordEvent = defineUpdate<EventReceipt, [LeadEvent]>('recordEvent');
/** The owner records BANT; the rules decide between SQL and staying MQL. */
export const recordBant = defineUpdate<QualificationReceipt, [BantRequest]>('recordBant');
/** Disqualifies with a reason; the rules decide nurture or recycle. */
export const disqualify = defineUpdate<{ stage: LeadStage; recycleAt: string | null }, [DisqualifyRequest]>(
  'disqualify',
);
/**
 * Reassigns by hand to a rep or a queue; recorded with who and why. The new owner is emailed, and
 * an untouched MQL gets a fresh first-touch SLA (`sla`; absent in answers from before hand-overs).
 */
export const reassign = defineUpdate<
  { owner: string | null; queue: string | null; sla?: SlaState | null },
  [ReassignRequest]
>('reassign');
/** Converts an SQL into a deal: starts the `dealJourney` child that carries the opportunity. */
export const convertToDeal = defineUpdate<{ dealId: string; workflowId: string; created: boolean }, [ConvertRequest]>(
  'convertToDeal',
);
/** Pauses or resumes the active cadence. */
export const setCadencePaused = defineUpdate<CadenceState | null, [{ paused: boolean; actor: string }]>(
  'setCadencePaused',
);

export const journeyState = defineQuery<JourneyState>('journeyState');

/** From the SLA watch child: a deadline passed, take escalation step `index`. */
export const slaBreached = defineSignal<[{ sla: string; stepIndex: number; at: string }]>('slaBreached');
/**
 * From the deal this lead became: it closed, and the lead is now `customer` or `lost` (the deal
 * stored that, with its stage event and audit entry; the journey mirrors it).
 */
export const dealClosed = defineSignal<[{ dealId: string; stage: LeadStage }]>('dealClosed');
/**
 * From a rules re-evaluation (workflows/rulesReevaluation.ts): a version whose scoring.yaml says
 * `re-evaluate: in-flight` went live; re-score the lead now, as a new behaviour would.
 */
export const rescoreRequested = defineSignal<[{ version: string }]>('rescoreRequested');

/** The re-evaluation of one activation has this id: a second start of it joins the run under way. */
export function reevaluationWorkflowId(version: string): string {
  return `rules-reevaluation-${version}`;
}

export interface RulesReevaluationInput {
  tenant: string;
  /** The version that went live, and the one before it. */
  version: string;
  previous: string | null;
  /** Journeys asked per second (and per page). */
  perSecond: number;
  /** Where the previous run stopped (continue-as-new): the last lead id done, and counts. */
  after?: string | null;
  done?: number;
  startedAt?: string;
}

export interface RulesReevaluationResult {
  version: string;
  leads: number;
  startedAt: string;
  finishedAt: string;
}

/** From the cadence child: its progress, mirrored into the journey state. */
export const cadenceProgress = defineSignal<[CadenceState]>('cadenceProgress');
/** To the cadence child: stop (reply, meeting, unsubscribe, bounce, disqualified, stage change). */
export const stopCadence = defineSignal<[{ reason: string }]>('stopCadence');
/** To the cadence child: pause or resume. */
export const pauseCadence = defineSignal<[{ paused: boolean }]>('pauseCadence');
/** To the cadence child: the lead has a new owner, who gets the cadence's tasks from now on. */
export const changeCadenceOwner = defineSignal<[{ ownerEmail: string | null }]>('changeCadenceOwner');
