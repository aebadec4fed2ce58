import { ApplicationFailure, Context } from '@temporalio/activity';
import { LeadflowError, retryableFor } from '../src/domain/errors';
import { permanentWriteError } from '../src/db/write-errors';
import type { Db } from '../src/db/client';
import type { Mailer } from '../src/email/mailer';
import { unsubscribeLinks } from '../src/email/unsubscribe-link';
import type { RuleRegistry } from '../src/rules/registry';
import { createApprovalActivities } from './approvals';
import { createAttentionActivities } from './attention';
import { createDealActivities } from './deals';
import { createDecisionActivities } from './decisions';
import { createEmailActivities, createOutbox } from './email';
import { createJournalActivities } from './journal';
import { createLeadActivities } from './leads';
import { createMeetingActivities } from './meetings';
import { createMetricActivities } from './metrics';
import { createOutreachActivities } from './outreach';
import { createQuoteOutcomeActivities } from './quote-outcomes';
import { createQuoteMailActivities } from './quote-mail';
import { createReevaluationActivities } from './reevaluation';
import { createRoutingActivities, type AssignLeadInput, type ReassignLeadInput } from './routing';

/** What activities need from the outside world; the worker builds this once. */
export interface ActivityDeps {
  db: Db;
  registry: RuleRegistry;
  mailer: Mailer;
  /** The From header of outgoing email. */
  mailFrom: string;
  /** Base URL of the API and dashboard, for links in emails. */
  publicUrl: string;
  /** Signs the unsubscribe links of marketing email (LEADFLOW_LINK_SECRET or the data dir's; src/email/link-secret.ts). */
  linkSecret: string;
  /** Recipient of "notify marketing" automations. */
  marketingEmail: string;
  /** Sends a quote version for e-signature through the configured provider (see src/esign). */
  signatures?: SignatureSender;
}

/** Idempotent by `idempotencyKey`: a retried activity gets the same envelope (and signing URL). */
export type SignatureSender = (input: {
  versionId: string;
  signer: { name: string; email: string };
  actor: string;
  idempotencyKey: string;
}) => Promise<{ envelopeId: string; signingUrl?: string | null }>;

/** Every activity the worker registers. Workflows import this module as a type only. */
export function createActivities(deps: ActivityDeps) {
  return withDomainErrors(activitiesOf(deps));
}

function activitiesOf(deps: ActivityDeps) {
  const routing = createRoutingActivities({ db: deps.db });
  const unsubscribe = unsubscribeLinks(deps.linkSecret, deps.publicUrl);
  const outbox = createOutbox({ db: deps.db, mailer: deps.mailer, from: deps.mailFrom, unsubscribe });
  return {
    ...createLeadActivities(deps.db),
    ...createDecisionActivities({ db: deps.db, registry: deps.registry }),
    ...createJournalActivities(deps.db),
    ...createAttentionActivities(deps.db),
    ...createOutreachActivities({
      db: deps.db,
      registry: deps.registry,
      publicUrl: deps.publicUrl,
      marketingEmail: deps.marketingEmail,
      unsubscribe,
    }),
    ...createEmailActivities({ db: deps.db, mailer: deps.mailer, from: deps.mailFrom, unsubscribe }, outbox),
    ...createQuoteMailActivities({ db: deps.db, outbox }),
    ...createMeetingActivities({ db: deps.db, outbox, registry: deps.registry, publicUrl: deps.publicUrl }),
    ...createDealActivities({ db: deps.db, registry: deps.registry, publicUrl: deps.publicUrl }),
    ...createApprovalActivities({ db: deps.db, publicUrl: deps.publicUrl }),
    ...createQuoteOutcomeActivities({ db: deps.db }),
    ...createMetricActivities(),
    ...createReevaluationActivities(deps.db),
    reassignLead: (input: ReassignLeadInput) => routing.reassignLead(input),
    sendQuoteForSignature(input: Parameters<SignatureSender>[0]): ReturnType<SignatureSender> {
      if (!deps.signatures)
        throw ApplicationFailure.nonRetryable(
          'No e-signature provider is configured for this worker (ESIGN_PROVIDER).',
          'SignatureProviderMissing',
        );
      return deps.signatures(input);
    },
    /**
     * Assigns a routed lead with the pools of the exact ruleset version that routed it, so a
     * rules change between the decision and the assignment cannot mix two versions.
     */
    async assignLead(input: Omit<AssignLeadInput, 'routingRules'>) {
      const ruleset = (await deps.registry.getVersion(input.rulesetVersion)) ?? deps.registry.active();
      return routing.assignLead({ ...input, routingRules: ruleset.routing });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

/**
 * A domain error (`LeadflowError`) thrown by an activity becomes an `ApplicationFailure` of its
 * code, retryable or not as `retryableFor` says, so workflows see e.g. `not_found` fail fast
 * instead of retrying forever. A database error that no retry can fix (a constraint violation, a
 * missing record: see src/db/write-errors.ts) becomes one too, once it has failed
 * `CONFIRM_ATTEMPTS` times: the first retries let an overlapping attempt that raced this one
 * commit, after which an idempotent activity finds its own write and succeeds. Other errors pass
 * through unchanged (Temporal retries them).
 */
function withDomainErrors<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await activity(...args);
      } catch (error) {
        if (error instanceof LeadflowError) throw failureOf(error, !retryableFor[error.code]);
        const permanent = permanentWriteError(error);
        if (permanent) throw failureOf(permanent, currentAttempt() >= CONFIRM_ATTEMPTS);
        throw error;
      }
    };
  }
  return wrapped as T;
}

/** Attempts after which a permanent-looking database error is taken as permanent (about 3 s with the store's backoff). */
const CONFIRM_ATTEMPTS = 3;

function failureOf(error: LeadflowError, nonRetryable: boolean): ApplicationFailure {
  return ApplicationFailure.create({
    type: error.code,
    message: error.message,
    nonRetryable,
    details: error.details === undefined ? [] : [error.details],
    cause: error,
  });
}

/** The attempt number of the running activity; outside an activity (a direct call), the error is final. */
function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
