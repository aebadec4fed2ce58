import type { z } from 'zod';
import { BantSchema, CadencePauseSchema, DisqualifySchema, LeadEventSchema, ReassignSchema } from '../routes/journey';
import { body, described, errors, idempotencyKeyRef } from './common';
import { leadIdParam } from './leads';

const commandErrors = () =>
  errors(
    '400',
    ['404', 'No such lead (`not_found`).'],
    [
      '409',
      'The journey rejected the command in its current state, or is not running (`conflict`); `message` gives its reason.',
    ],
    '413',
    ['503', 'Temporal or the database is unreachable (`temporal_unavailable`, `database_unavailable`).'],
  );

function command(operationId: string, summary: string, schema: z.ZodType, ok: string) {
  return {
    post: {
      operationId,
      tags: ['journey'],
      summary,
      parameters: [leadIdParam, idempotencyKeyRef],
      requestBody: body(schema),
      responses: { '200': described(ok), ...commandErrors() },
    },
  };
}

export const journeyPaths = {
  '/api/leads/{id}/events': {
    post: {
      operationId: 'recordLeadEvent',
      tags: ['journey'],
      summary: 'Record a behaviour or sales event on the lead (rescoring it)',
      parameters: [
        leadIdParam,
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Becomes the event id: an event posted again with the same key is recorded once (the repeat answers 200 with `duplicate: true`).',
          schema: { type: 'string' },
        },
      ],
      requestBody: body(LeadEventSchema),
      responses: {
        '201': described('The event was recorded: `{ eventId, leadId, stage, score, duplicate: false }`.'),
        '200': described('The event had been recorded already: `{ eventId, leadId, stage, score, duplicate: true }`.'),
        ...commandErrors(),
      },
    },
  },
  '/api/leads/{id}/bant': command(
    'recordBant',
    'Record BANT qualification for an MQL (it may become an SQL)',
    BantSchema,
    '`{ stage, unmet, rulesVersion }`: the stage after qualification and the criteria still unmet.',
  ),
  '/api/leads/{id}/disqualify': command(
    'disqualifyLead',
    'Disqualify the lead (it may be recycled later)',
    DisqualifySchema,
    '`{ stage, recycleAt }`: the new stage and when the lead returns to marketing, if ever.',
  ),
  '/api/leads/{id}/reassign': command(
    'reassignLead',
    'Reassign the lead to a rep or a queue (exactly one of `repEmail` or `queue`); the new owner is emailed, and an MQL nobody touched yet gets a fresh first-touch SLA',
    ReassignSchema,
    "`{ owner, queue, sla }`: the lead's owner and queue afterwards, and its first-touch SLA (`{ name, status, dueAt, escalations }`, or null when no clock runs).",
  ),
  '/api/leads/{id}/cadence': command(
    'setCadencePaused',
    "Pause or resume the lead's outreach cadence",
    CadencePauseSchema,
    'The cadence state afterwards (`{ name, status, nextStep, … }`), or null when no cadence runs.',
  ),
};
