import { languageOf } from '../src/domain/languages';
import type { Db, Prisma } from '../src/db/client';
import { advanceLastActivity } from '../src/db/last-activity';
import { mergeSubmission, type LeadProfile, type LeadSubmission } from '../src/domain/lead';
import type { ReasonCode } from '../src/domain/reason-codes';

export interface RecordSubmissionInput {
  leadId: string;
  journeyId: string;
  submission: LeadSubmission;
}

export interface RecordSubmissionOutcome {
  /** This submission created the lead row (also when it is recorded again: a retry says what happened). */
  created: boolean;
  /** This submission had already been recorded (an activity retry or a redelivered webhook). */
  duplicate: boolean;
  /**
   * How many submissions the lead has stored, this one included. The journey counts from this, so a
   * submission whose write committed but whose acknowledgement was lost (a crash in between, a
   * journey started again) is counted and scored once, neither twice nor never. Absent in results
   * recorded before it existed.
   */
  submissions?: number;
  /** The lead's profile after the merge, so the journey decides on what is stored. */
  profile: LeadProfile;
}

/**
 * Lead persistence activities. Each is idempotent: the lead and the submission id make the
 * interaction's idempotency key, so a retry after a crash between commit and acknowledgement
 * records nothing twice.
 */
export function createLeadActivities(db: Db) {
  return {
    async recordSubmission({ leadId, journeyId, submission }: RecordSubmissionInput): Promise<RecordSubmissionOutcome> {
      // Keyed per lead: a submission id that another lead's submission also carries (a client
      // reusing a key for another person) can never block this lead's write.
      const idempotencyKey = `submission:${leadId}:${submission.submissionId}`;
      // Before keys were per lead they were per tenant; such a row of *this* lead is this submission.
      // One of another lead is someone else's, and no longer in the way.
      const tenantKey = `submission:${submission.tenant}:${submission.submissionId}`;
      return db.$transaction(async (tx) => {
        const existing = await tx.lead.findUnique({ where: { id: leadId } });
        const recorded = await tx.interaction.findFirst({
          where: { leadId, idempotencyKey: { in: [idempotencyKey, tenantKey] } },
          select: { kind: true },
        });
        const stored = () => tx.interaction.count({ where: { leadId, kind: { in: ['submission', 'resubmission'] } } });
        if (existing && recorded)
          return {
            // The lead's first submission is stored as `submission`: the one that created the lead.
            created: recorded.kind === 'submission',
            duplicate: true,
            profile: toProfile(existing),
            submissions: await stored(),
          };
        const profile = mergeSubmission(existing ? toProfile(existing) : undefined, submission);
        const receivedAt = new Date(submission.receivedAt);
        if (existing) {
          await tx.lead.update({ where: { id: leadId }, data: profileColumns(profile) });
        } else {
          await tx.lead.create({
            data: {
              id: leadId,
              tenant: submission.tenant,
              journeyId,
              stage: 'new',
              createdAt: receivedAt,
              ...profileColumns(profile),
            },
          });
          await tx.stageEvent.create({
            data: {
              id: `${leadId}:stage:new`,
              leadId,
              fromStage: null,
              toStage: 'new',
              reason: `captured from ${submission.source}`,
              reasonCode: 'captured' satisfies ReasonCode,
              reasonParams: { source: submission.source },
              occurredAt: receivedAt,
              idempotencyKey: `${leadId}:stage:new`,
            },
          });
        }
        await tx.interaction.create({
          data: {
            id: idempotencyKey,
            leadId,
            kind: existing ? 'resubmission' : 'submission',
            source: submission.source,
            occurredAt: receivedAt,
            payload: submission as unknown as Prisma.InputJsonValue,
            idempotencyKey,
          },
        });
        await advanceLastActivity(tx, leadId, receivedAt);
        return { created: !existing, duplicate: false, profile, submissions: await stored() };
      });
    },
  };
}

type LeadRow = NonNullable<Awaited<ReturnType<Db['lead']['findUnique']>>>;

function toProfile(row: LeadRow): LeadProfile {
  return {
    email: row.email ?? undefined,
    externalId: row.externalId ?? undefined,
    firstName: row.firstName ?? undefined,
    lastName: row.lastName ?? undefined,
    company: row.company ?? undefined,
    title: row.title ?? undefined,
    phone: row.phone ?? undefined,
    country: row.country ?? undefined,
    language: languageOf(row.language),
    source: row.source as LeadProfile['source'],
    sourceDetails: row.sourceDetails as LeadProfile['sourceDetails'],
    attributes: row.attributes as LeadProfile['attributes'],
  };
}

function profileColumns(profile: LeadProfile) {
  return {
    email: profile.email ?? null,
    externalId: profile.externalId ?? null,
    firstName: profile.firstName ?? null,
    lastName: profile.lastName ?? null,
    company: profile.company ?? null,
    title: profile.title ?? null,
    phone: profile.phone ?? null,
    country: profile.country ?? null,
    ...(profile.language ? { language: profile.language } : {}),
    source: profile.source,
    sourceDetails: profile.sourceDetails as Prisma.InputJsonValue,
    attributes: profile.attributes as Prisma.InputJsonValue,
  };
}
