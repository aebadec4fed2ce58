/**
 * Response shapes of the sales workspace's reads (the lead list, a lead's score breakdown, cadence
 * and SLA clock, timelines, the approvals inbox and the renewals calendar), as zod schemas so the
 * OpenAPI document publishes them exactly and front ends can generate their types from it.
 */
import { z } from 'zod';
import { LEAD_SOURCES, LEAD_STAGES } from '../../domain/lead';
import { OPS } from '../../rules/operators';
import { REASON_CODES, TASK_TITLE_CODES } from '../../domain/reason-codes';
import type { CadenceView, ScoreBreakdownView, SlaClockView } from '../../usecases/lead-page';
import { TIMELINE_EVENT_CODES, TIMELINE_KINDS, type TimelinePage } from '../../usecases/timeline';
import type { RenewalsCalendar } from '../../usecases/renewals';

const nullableText = z.string().nullable();
const instant = z.string().meta({ description: 'ISO-8601 date-time (UTC).' });

export const LeadSummarySchema = z.object({
  id: z.string(),
  email: nullableText,
  externalId: nullableText,
  firstName: nullableText,
  lastName: nullableText,
  company: nullableText,
  stage: z.enum(LEAD_STAGES),
  score: z.number().int(),
  ownerId: nullableText.meta({ description: "The owning rep's email, once routed." }),
  queue: nullableText,
  source: z.enum(LEAD_SOURCES),
  slaStatus: z.enum(['none', 'running', 'met', 'breached']),
  slaDueAt: instant.nullable(),
  mqlAt: instant.nullable(),
  lastActivityAt: instant
    .nullable()
    .meta({ description: 'The newest interaction: a submission, a behaviour, a logged touch.' }),
  createdAt: instant,
});

export const LeadListResponseSchema = z.object({
  leads: z.array(LeadSummarySchema),
  nextCursor: nullableText.meta({
    description: 'Pass as `cursor` (with the same filters and `sort`); null on the last page.',
  }),
});

export const ScoreItemSchema = z.object({
  part: z.enum(['attribute', 'source', 'behaviour']),
  signal: z.string().meta({
    description:
      'A stable key to translate: the attribute (`company-size`), `source:<channel>`, or the behaviour (`pricing-page-visit`).',
  }),
  label: z.string().meta({ description: 'In English words: "Company size: 1,000+ employees", "Pricing page visit".' }),
  labels: z.object({ en: z.string(), 'zh-CN': z.string() }).nullable().meta({
    description:
      'An attribute whose tier label scoring.yaml writes per language: the English `label` and the Chinese tier label ("员工 1000 人以上"); null otherwise (behaviours and sources are translated by `signal`).',
  }),
  detail: z.string().meta({ description: "The rules' wording of the line, with the condition that held." }),
  why: z
    .discriminatedUnion('kind', [
      z.object({
        kind: z.literal('condition'),
        fact: z.string(),
        op: z.enum(OPS),
        value: z.string().meta({ description: 'As the rules show it: `1,000`, `"DE"`, `["a", "b"]`.' }),
      }),
      z.object({
        kind: z.literal('behaviour'),
        count: z.number().int(),
        each: z.number().int(),
        lost: z.number().int().meta({ description: 'Points decay took off the events so far.' }),
        cap: z.number().int().nullable(),
      }),
      z.object({ kind: z.literal('source'), channel: z.string() }),
    ])
    .nullable()
    .meta({
      description:
        "What `detail` says, as values a reader's language words: the attribute tier's one condition, the behaviour's events × points (less decay, up to the cap), the source's channel. Null when only `detail` says it (a tier with several conditions).",
    }),
  points: z.number().int(),
  at: instant.nullable().meta({ description: 'When the behaviour happened; null for attributes and the source.' }),
  decayedFrom: z
    .number()
    .int()
    .nullable()
    .meta({ description: "The behaviour's full points when decay lowered them (then `points` < `decayedFrom`)." }),
  capped: z.boolean().meta({ description: "The behaviour's cap cut these points (the newest events fill it first)." }),
});

export const ScoreBreakdownSchema = z
  .object({
    score: z.number().int(),
    threshold: z.number().meta({ description: 'The MQL threshold of the rules that scored it.' }),
    mql: z.boolean(),
    scoredAt: instant.meta({ description: 'When the score was computed (the latest scoring decision).' }),
    rulesetVersion: z.string(),
    nextDecayAt: instant.nullable(),
    items: z.array(ScoreItemSchema).meta({ description: 'Their points add up to `score`.' }),
  })
  .nullable()
  .meta({ description: 'The latest score as items; null before the first scoring.' });

/** A text leadflow wrote, as a code and values (src/domain/reason-codes.ts), for a client to word. */
export const WordedSchema = z
  .object({
    code: z.string().meta({
      description: `Reason codes: ${REASON_CODES.map((c) => `\`${c}\``).join(', ')}; task title codes: ${TASK_TITLE_CODES.map((c) => `\`${c}\``).join(', ')}.`,
    }),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).meta({
      description:
        'Its values: ids, emails, stage, pool and queue names, numbers; a cadence step also its text per language (`en`, `zh-CN`). docs/workspace.md lists them.',
    }),
  })
  .meta({ description: 'A text leadflow wrote, as a code and values, for a client to word in its reader’s language.' });

export const CadenceViewSchema = z
  .object({
    cadence: z.string(),
    status: z.enum(['active', 'paused', 'completed', 'stopped']),
    stepIndex: z.number().int().meta({ description: 'Steps done so far.' }),
    nextStep: nullableText.meta({ description: 'In English: "email <template>" or "<call|linkedin> task: <text>".' }),
    nextStepText: WordedSchema.nullable().meta({
      description:
        'The next step as a code: `cadence-email` `{ cadence, template, subject }` (subject: as the lead will get it, in the lead’s language; null when the live rules no longer have the template), or `cadence-step` with the task per language; null when the live rules no longer have it.',
    }),
    nextStepAt: instant.nullable(),
    enrolledAt: instant,
    stoppedReason: nullableText,
  })
  .nullable()
  .meta({ description: 'The running (active or paused) enrolment, else the latest; null if never enrolled.' });

export const SlaClockSchema = z.object({
  name: nullableText.meta({ description: 'e.g. `mql-first-touch`; null when the journey is not reachable.' }),
  status: z.enum(['none', 'running', 'met', 'breached']),
  dueAt: instant.nullable(),
  firstTouchAt: instant.nullable(),
  breached: z.boolean(),
  escalationLevel: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'Escalation steps taken (0 before the deadline); null when the journey is not reachable.' }),
  escalations: z.array(z.string()).nullable().meta({
    description: 'The steps taken, in order (`remind-owner`, `reassign`, `notify-manager`, `move-to-queue`).',
  }),
});

export const TimelineItemSchema = z.object({
  id: z.string().meta({ description: '`<source>:<row id>`, unique within the timeline.' }),
  at: instant,
  kind: z.enum(TIMELINE_KINDS),
  title: z.string().meta({
    description: 'A short English headline: "Stage mql → sql", "Quote sent", "Call" (`event` is the same as a code).',
  }),
  summary: nullableText.meta({ description: 'The reason, note or outcome, in the words recorded.' }),
  event: z
    .object({
      code: z.string().meta({
        description: `What happened, for a client to word in its own language: ${TIMELINE_EVENT_CODES.map((c) => `\`${c}\``).join(', ')}, or for a deal's audit entries the audit action (\`quote.sent\`, \`approval.approved\`, …).`,
      }),
      params: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).meta({
        description:
          'Its values: `source`; `type` (behaviour, touch or activity kind); `subject`, `to`, `status` (email); `from`, `to` (stage ids); `outcome` (`sql` | `mql`) and `unmet` (qualification); `rep`, `queue` (assignment); `outcome` (activity); for audit entries the plain values recorded.',
      }),
      note: nullableText.meta({ description: 'What a person wrote (a note, a reason), not translated.' }),
      reasons: z.array(WordedSchema).meta({
        description:
          "Why, as leadflow wrote it, in codes: a stage change's or an assignment's reason, a qualification's unmet criteria. Empty for rows from before codes, whose English reason is `note`.",
      }),
    })
    .meta({ description: 'The item as a code and values; `title` is its English wording.' }),
  actor: nullableText.meta({
    description: "A person's email, `system` (timers, rules, the outbox), or null (the lead's own doing, or unknown).",
  }),
  refs: z.record(z.string(), z.string()).meta({
    description:
      'Ids of the records it concerns: leadId, dealId, quoteId, approvalId, contractId, activityId, emailId.',
  }),
  details: z.record(z.string(), z.unknown()).meta({ description: 'What was recorded with it (varies by kind).' }),
});

export const TimelinePageSchema = z.object({
  items: z.array(TimelineItemSchema).meta({ description: 'Newest first.' }),
  nextCursor: nullableText.meta({ description: 'Pass as `cursor` (with the same `kinds`); null on the last page.' }),
});

const approvalStep = z.object({
  id: z.string(),
  position: z.number().int(),
  level: z.string(),
  assignee: z.string(),
  delegatedFrom: nullableText,
  status: z.string().meta({
    description: 'pending | approved | rejected | escalated | cancelled | auto-approved | auto-rejected',
  }),
  dueAt: instant,
  remindAt: instant.nullable(),
  remindedAt: instant.nullable(),
  decidedBy: nullableText,
  decidedAt: instant.nullable(),
  comment: nullableText,
});

const moneyTotal = z
  .object({
    listMinor: z.number(),
    netMinor: z.number(),
    discountMinor: z.number(),
    effectiveDiscountBp: z.number(),
  })
  .loose();

export const ApprovalListItemSchema = z.object({
  id: z.string(),
  dealId: z.string(),
  status: z.enum(['pending', 'approved', 'rejected', 'cancelled']),
  tier: z.string(),
  chain: z.unknown().meta({ description: 'The chain from approvals.yaml.' }),
  contentHash: z.string(),
  rulesetVersion: z.string(),
  requestedBy: nullableText,
  requestedAt: instant,
  decidedAt: instant.nullable(),
  outcomeReason: nullableText,
  quote: z.object({
    id: z.string(),
    number: z.string(),
    version: z.number().int(),
    status: z.string(),
    discountBp: z.number().int(),
    pricing: z
      .object({ currency: z.string(), lines: z.array(z.unknown()), total: moneyTotal })
      .loose()
      .meta({ description: "The version's prices against the price book, per line and in total." }),
  }),
  steps: z.array(approvalStep),
  deal: z.object({
    id: z.string(),
    name: z.string(),
    stage: z.string(),
    ownerEmail: z.string(),
    accountName: nullableText,
  }),
  value: z
    .object({ amountMinor: z.number(), currency: z.string(), formatted: z.string() })
    .meta({ description: "The quote version's net total before tax, over its whole term." }),
  discount: z
    .object({
      amountMinor: z.number(),
      formatted: z.string(),
      percent: z.number().meta({ description: 'Of the list total, e.g. 25 for 25 %.' }),
      bp: z.number().int(),
    })
    .meta({ description: 'List total minus net total, in money and in percent.' }),
  reason: nullableText.meta({ description: 'Recorded with the request: why it needs approval.' }),
  currentStep: z
    .object({ id: z.string(), level: z.string(), assignee: z.string(), delegatedFrom: nullableText, dueAt: instant })
    .nullable()
    .meta({ description: 'The step waiting for a decision; null once decided.' }),
  deadline: instant.nullable(),
  history: z
    .array(
      z.object({
        at: instant,
        action: z.string().meta({
          description:
            'approval.requested | assigned | reminded | delegated | escalated | approved | rejected | satisfied | cancelled | …',
        }),
        actor: z.string(),
        reason: nullableText,
        stepId: nullableText,
        level: nullableText,
      }),
    )
    .meta({ description: 'Oldest first.' }),
});

export const ApprovalListResponseSchema = z.object({
  approvals: z.array(ApprovalListItemSchema),
  nextCursor: z
    .string()
    .nullable()
    .meta({ description: 'Pass it as `cursor`, with the same filters, for the next page; null on the last page.' }),
});

export const RenewalsCalendarSchema = z.object({
  from: z.string(),
  to: z.string(),
  renewals: z
    .array(
      z.object({
        contractId: z.string(),
        dealId: z.string(),
        dealName: z.string(),
        accountName: z.string(),
        ownerEmail: z.string(),
        status: z.string().meta({ description: 'active | renewal-due | renewed | ended' }),
        startDate: z.string().meta({ description: 'YYYY-MM-DD' }),
        endDate: z.string().meta({ description: 'YYYY-MM-DD: the renewal date.' }),
        termMonths: z.number().int(),
        value: z.object({
          currency: z.string(),
          tcvMinor: z.number(),
          tcvFormatted: z.string(),
          acvMinor: z.number(),
          acvFormatted: z.string(),
        }),
        reminders: z
          .array(
            z.object({
              offset: z.string().meta({ description: 'How long before the end, e.g. "90 days".' }),
              at: instant.meta({ description: 'When it is (or was) due.' }),
              sentAt: instant.nullable().meta({ description: 'When the owner was reminded; null while planned.' }),
            }),
          )
          .meta({ description: 'Soonest first: approvals.yaml `renewals.remindBefore`, and any already sent.' }),
      }),
    )
    .meta({ description: 'Soonest end date first.' }),
  truncated: z.boolean().meta({ description: 'More than 500 contracts end in the range: narrow it.' }),
});

/** Compiles only when the use-case's type is assignable to the schema's. */
type Matches<Actual extends Schema, Schema> = Actual;
export type WorkspaceShapesChecked = [
  Matches<ScoreBreakdownView | null, z.infer<typeof ScoreBreakdownSchema>>,
  Matches<CadenceView | null, z.infer<typeof CadenceViewSchema>>,
  Matches<SlaClockView, z.infer<typeof SlaClockSchema>>,
  Matches<TimelinePage, z.infer<typeof TimelinePageSchema>>,
  Matches<RenewalsCalendar, z.infer<typeof RenewalsCalendarSchema>>,
];
