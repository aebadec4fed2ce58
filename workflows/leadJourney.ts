/**
 * One lead's journey, from first touch to sales-qualified. Temporal is the engine of record for
 * its time and progress; the database holds its data, written only through activities. Every
 * decision comes from the rules (through the `decide` activity) and is stored with its
 * explanation and ruleset version.
 *
 * Intake is idempotent by construction: the workflow id is derived from the lead's identity, and
 * every submission arrives as a `submitLead` update through update-with-start, so a repeat or
 * concurrent submission lands in this one execution instead of starting a second journey.
 *
 * Timers: score decay and recycling wait here; the first-touch SLA and each cadence enrolment
 * run as child workflows. All are durable: they fire after restarts, and once.
 */
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { normalizeEmail, type LeadProfile, type LeadSubmission } from '../src/domain/lead';
import { attentionGuards } from './attention';
import { createJourney, type LeadJourneyInput } from './journey/context';
import { store } from './journey/effects';
import {
  onBant,
  onConvert,
  onDisqualify,
  onEvent,
  onPauseCadence,
  onRecycleDue,
  onSubmission,
} from './journey/handlers';
import { onReassign } from './journey/reassignment';
import { keepsScoring, rescore, untilNextDecay } from './journey/scoring';
import { escalate } from './journey/sla';
import { STALLED_PREFIX, escalateStall } from './journey/stalled';
import * as messages from './messages';
import type { BantRequest, ConvertRequest, DisqualifyRequest, ReassignRequest } from './messages';
import type { LeadEvent } from '../src/domain/lead-events';

export type { LeadJourneyInput } from './journey/context';

export async function leadJourney(input: LeadJourneyInput): Promise<void> {
  const journey = createJourney(input);
  const { state, memory } = journey;
  const journeyId = workflowInfo().workflowId;
  const { answering, absorbing } = attentionGuards({
    state,
    tenant: state.tenant,
    subject: { type: 'lead', leadId: state.leadId },
    key: (label) => journey.key(label),
  });
  // An update's steps run one at a time; one that fails for good flags the lead and fails the update.
  const mutating =
    <A extends unknown[], R>(step: string, work: (...args: A) => Promise<R>) =>
    (...args: A) => {
      state.pendingWrites++;
      return journey.serially(() => answering(step, () => work(...args))).finally(() => state.pendingWrites--);
    };

  setHandler(messages.journeyState, () => state);
  setHandler(
    messages.submitLead,
    mutating('submission', (submission: LeadSubmission) => onSubmission(journey, journeyId, submission)),
    {
      validator: (submission: LeadSubmission) => assertBelongsToJourney(input, journey.memory.profile, submission),
    },
  );
  setHandler(
    messages.recordEvent,
    mutating('event', (event: LeadEvent) => onEvent(journey, event)),
    {
      validator: (_event: LeadEvent) => assertCaptured(journey.memory.profile !== null),
    },
  );
  setHandler(
    messages.recordBant,
    mutating('bant', (request: BantRequest) => onBant(journey, request)),
    {
      validator: (_request: BantRequest) =>
        assertStage(state.stage === 'mql', `BANT qualifies MQLs; this lead is ${state.stage}`),
    },
  );
  setHandler(
    messages.disqualify,
    mutating('disqualification', (request: DisqualifyRequest) => onDisqualify(journey, request)),
    {
      validator: (_request: DisqualifyRequest) =>
        assertStage(
          ['new', 'engaged', 'mql'].includes(state.stage),
          `only an open lead can be disqualified; this lead is ${state.stage}`,
        ),
    },
  );
  setHandler(
    messages.reassign,
    mutating('reassignment', (request: ReassignRequest) => onReassign(journey, request)),
    {
      validator: (_request: ReassignRequest) => assertCaptured(journey.memory.profile !== null),
    },
  );
  setHandler(
    messages.convertToDeal,
    mutating('conversion', (request: ConvertRequest) => onConvert(journey, request)),
    {
      validator: (_request: ConvertRequest) =>
        assertStage(state.stage === 'sql', `only an SQL can be converted into a deal; this lead is ${state.stage}`),
    },
  );
  setHandler(
    messages.setCadencePaused,
    mutating('cadence pause', ({ paused }: { paused: boolean }) => onPauseCadence(journey, paused)),
    {
      validator: (_request: { paused: boolean }) =>
        assertStage(
          state.cadence !== null && ['active', 'paused'].includes(state.cadence.status),
          'the lead has no active cadence',
        ),
    },
  );
  setHandler(
    messages.slaBreached,
    ({ sla, stepIndex, at }) =>
      void journey.serially(() =>
        absorbing(`escalation of ${sla}`, () =>
          sla.startsWith(STALLED_PREFIX) ? escalateStall(journey, stepIndex) : escalate(journey, stepIndex, at),
        ),
      ),
  );
  setHandler(messages.dealClosed, ({ dealId, stage }) => {
    if (!state.deal || state.deal.dealId === dealId) state.stage = stage;
  });
  setHandler(
    messages.rescoreRequested,
    () =>
      void journey.serially(() =>
        absorbing('re-evaluation under new rules', async () => {
          if (keepsScoring(journey)) await rescore(journey);
        }),
      ),
  );
  setHandler(messages.cadenceProgress, (progress) => {
    if (state.cadence?.workflowId === progress.workflowId) state.cadence = progress;
  });

  const pinning = await store.currentRules();
  if (pinning.pinned && !state.pinnedRulesVersion) {
    state.pinnedRulesVersion = pinning.version;
    await journey.serially(() =>
      absorbing('rules pinning', () => store.pinRules({ leadId: state.leadId, version: pinning.version })),
    );
  }

  // Wait for messages; wake for the decay and recycle timers; keep history short with continue-as-new.
  // A message can move the next wake-up (a new behaviour, a recycle), so the wait ends when it does.
  const nextWake = (): number | null => {
    const times = [memory.recycleAt, untilNextDecay(journey) === undefined ? null : state.nextDecayAt]
      .filter((at): at is string => at !== null)
      .map((at) => Date.parse(at));
    return times.length ? Math.min(...times) : null;
  };
  const shouldMove = () => workflowInfo().continueAsNewSuggested && allHandlersFinished();
  for (;;) {
    const wake = nextWake();
    const woken = await condition(
      () => shouldMove() || nextWake() !== wake,
      wake === null ? undefined : Math.max(0, wake - new Date().getTime()),
    );
    if (shouldMove()) break;
    if (woken) continue;
    await journey.serially(() =>
      absorbing('timer', async () => {
        if (memory.recycleAt && Date.parse(memory.recycleAt) <= new Date().getTime()) await onRecycleDue(journey);
        else if (untilNextDecay(journey) === 0) {
          // Re-scoring sets the next decay time; one that fails for good must not fire again at once.
          state.nextDecayAt = null;
          await rescore(journey);
        }
      }),
    );
  }
  await continueAsNew<typeof leadJourney>({ ...input, state, memory, seq: journey.seq() });
}

/**
 * Intake resolved the submission to this journey by email or external id; this guard refuses a
 * submission that matches neither the identifiers the journey started with nor those it has
 * learned since (a lead first known by external id may have gained an email).
 */
function assertBelongsToJourney(
  input: LeadJourneyInput,
  profile: LeadProfile | null,
  submission: LeadSubmission,
): void {
  const email = submission.email === undefined ? undefined : normalizeEmail(submission.email);
  const emails = [input.email, profile?.email].filter((known) => known !== undefined);
  const externalIds = [input.externalId, profile?.externalId].filter((known) => known !== undefined);
  const matches =
    (email !== undefined && emails.includes(email)) ||
    (submission.externalId !== undefined && externalIds.includes(submission.externalId));
  if (submission.tenant !== input.tenant || !matches) {
    throw new Error(
      `submission for ${submission.tenant}/${email ?? submission.externalId ?? '?'} does not belong to journey of lead ${input.leadId}`,
    );
  }
}

function assertCaptured(captured: boolean): void {
  if (!captured) throw new Error('the lead has not been stored yet; retry shortly');
}

function assertStage(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}
