/**
 * Response shapes of the sales workspace's reads (the lead list, a lead's score breakdown, cadence
 * and SLA clock, timelines, the approvals inbox and the renewals calendar), as zod schemas so the
 * OpenAPI document publishes them exactly and front ends can generate their types from it.
 */
import { z } from 'zod';
import { LEAD_SOURCES, LEAD_STAGES } from '../../domain/lead';

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
