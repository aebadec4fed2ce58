/**
 * The state a lead journey carries, and the one object its steps share. Deterministic code only.
 */
import type { LeadStage } from '../../src/domain/lead';
import type { JourneyMemory, JourneyState } from '../messages';

/** Start input, also carried across continue-as-new. */
export interface LeadJourneyInput {
  leadId: string;
  tenant: string;
  /** Normalised email, when the lead was first submitted with one. */
  email?: string;
  /** The lead's external id, when it was first submitted with one. */
  externalId?: string;
  state?: JourneyState;
  memory?: JourneyMemory;
  /** Sequence for idempotency keys, so keys stay unique across continue-as-new. */
  seq?: number;
}

export interface Journey {
  input: LeadJourneyInput;
  state: JourneyState;
  memory: JourneyMemory;
  /** A fresh, deterministic idempotency key for the next side effect of this journey. */
  key(label: string): string;
  /** Runs a mutation after every earlier one finished (handlers interleave otherwise). */
  serially<T>(work: () => Promise<T>): Promise<T>;
  seq(): number;
}

export function initialState(input: LeadJourneyInput): JourneyState {
  return (
    input.state ?? {
      leadId: input.leadId,
      tenant: input.tenant,
      stage: 'new',
      submissions: 0,
      firstSubmittedAt: null,
      lastSubmittedAt: null,
      pendingWrites: 0,
      score: 0,
      scoreBreakdown: [],
      nextDecayAt: null,
      owner: null,
      queue: null,
      sla: null,
      stalled: null,
      cadence: null,
      pinnedRulesVersion: null,
      lastRulesVersion: null,
      attention: null,
    }
  );
}

export function createJourney(input: LeadJourneyInput): Journey {
  const state = initialState(input);
  const memory: JourneyMemory = input.memory ?? {
    profile: null,
    behaviours: [],
    bant: null,
    touched: false,
    slaWatchId: null,
    slaSteps: [],
    recycleAt: null,
    stalledWatchId: null,
    stalledSteps: [],
  };
  let seq = input.seq ?? 0;
  let tail: Promise<unknown> = Promise.resolve();
  return {
    input,
    state,
    memory,
    key: (label) => `${input.leadId}:${label}:${++seq}`,
    seq: () => seq,
    serially<T>(work: () => Promise<T>): Promise<T> {
      const next = tail.then(work);
      tail = next.catch(() => undefined);
      return next;
    },
  };
}

/** Stages in which marketing still owns the lead and the score can make it an MQL. */
export function isPreMql(stage: LeadStage): boolean {
  return stage === 'new' || stage === 'engaged';
}
