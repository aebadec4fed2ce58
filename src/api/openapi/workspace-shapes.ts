/**
 * Response shapes of the sales workspace's reads (the lead list, a lead's score breakdown, cadence
 * and SLA clock, timelines, the approvals inbox and the renewals calendar), as zod schemas so the
 * OpenAPI document publishes them exactly and front ends can generate their types from it.
 */
import { z } from 'zod';
import { LEAD_SOURCES, LEAD_STAGES } from '../../domain/lead';
import type { CadenceView, ScoreBreakdownView, SlaClockView } from '../../usecases/lead-page';

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
  detail: z.string().meta({ description: "The rules' wording of the line, with the condition that held." }),
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

export const CadenceViewSchema = z
  .object({
    cadence: z.string(),
    status: z.enum(['active', 'paused', 'completed', 'stopped']),
    stepIndex: z.number().int().meta({ description: 'Steps done so far.' }),
    nextStep: nullableText,
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

/** Compiles only when the use-case's type is assignable to the schema's. */
type Matches<Actual extends Schema, Schema> = Actual;
export type WorkspaceShapesChecked = [
  Matches<ScoreBreakdownView | null, z.infer<typeof ScoreBreakdownSchema>>,
  Matches<CadenceView | null, z.infer<typeof CadenceViewSchema>>,
  Matches<SlaClockView, z.infer<typeof SlaClockSchema>>,
];
