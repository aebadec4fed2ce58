/**
 * A deal's meetings over HTTP: schedule one (attendees are invited by email with an iCalendar
 * invitation), move it or cancel it (naming the revision read: If-Match or `revision`; attendees
 * get the update or the cancellation), and record how it went. The use-cases are in
 * src/usecases/meetings.ts.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { requireActor } from '../../auth/actor';
import { text } from '../../domain/fields';
import { LeadflowError } from '../../domain/errors';
import { cancelMeeting, completeMeeting, rescheduleMeeting, scheduleMeeting } from '../../usecases/meetings';
import { expectedRevisionOf, parseInput } from '../input';
import { emailAddress } from '../schemas';
import { dealId, instant, parse, type DealRoutesDeps } from './deals';

export const MeetingIdSchema = z
  .string()
  .regex(/^mtg_[0-9a-f]{20}$/, 'is not a meeting id (mtg_ followed by 20 hexadecimal digits)');

const attendeeSchema = z
  .strictObject({
    name: text(200),
    email: emailAddress('must be an email address')
      .optional()
      .meta({ description: 'Where the invitation goes (for a contact: instead of the address on file).' }),
    contactId: text(100)
      .optional()
      .meta({ description: "A stakeholder contact of the deal's account; its address and language are used." }),
  })
  .meta({
    description:
      "Someone invited: a stakeholder contact (`contactId`), one of leadflow's people (an `email` of a person), the lead, or a guest. Each one with an address gets the invitation.",
  });

export const MeetingSchema = z.strictObject({
  kind: z.enum(['meeting', 'demo', 'presentation'], { error: 'must be meeting, demo or presentation' }),
  title: text(200),
  startsAt: instant,
  endsAt: instant,
  attendees: z.array(attendeeSchema).max(50).default([]),
});
const revisionField = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be 1 or more')
  .max(999_999_999, 'must be at most 999999999')
  .optional()
  .meta({ description: 'The meeting revision you read (or send If-Match).' });
export const MeetingRescheduleSchema = z.strictObject({
  startsAt: instant,
  endsAt: instant,
  revision: revisionField,
});
export const MeetingCancelSchema = z.strictObject({
  reason: text(1000).optional().meta({ description: 'Why, for the audit trail.' }),
  revision: revisionField,
});
export const MeetingOutcomeSchema = z.strictObject({
  status: z.enum(['held', 'cancelled', 'no-show'], { error: 'must be held, cancelled or no-show' }),
  attendance: z
    .array(
      z.strictObject({
        name: text(200),
        email: emailAddress('must be an email address').optional(),
        contactId: text(100).optional(),
        attended: z.boolean(),
      }),
    )
    .max(50)
    .default([])
    .meta({
      description:
        "Who came. Each entry is matched to an invited attendee by contactId, email or name; a held demo's thank-you goes to the customer's people who came.",
    }),
  feedback: text(5000).optional(),
});

/** What a move or a cancellation answers; the `ETag` header is the revision. */
export const MeetingChangeSchema = z.strictObject({
  meetingId: z.string(),
  revision: z.number().int().meta({ description: 'Name it for the next change (If-Match or `revision`).' }),
  status: z.enum(['scheduled', 'cancelled']),
  startsAt: z.string(),
  endsAt: z.string(),
  remindAt: z.array(z.string()).meta({ description: 'When the reminders go out (none once cancelled).' }),
});
export const MeetingScheduledSchema = z.strictObject({
  meetingId: z.string(),
  revision: z.literal(1),
  remindAt: z.array(z.string()),
});

function meetingId(req: Request): string {
  const id = MeetingIdSchema.safeParse(req.params.meetingId);
  if (!id.success) throw new LeadflowError('not_found', `No meeting with id ${String(req.params.meetingId)}.`);
  return id.data;
}

export function meetingRoutes(deps: DealRoutesDeps): Router {
  const router = Router();

  router.post('/api/deals/:dealId/meetings', async (req, res) => {
    const actor = requireActor(req);
    const scheduled = await scheduleMeeting(deps, actor, dealId(req), parse(MeetingSchema, req.body, 'The meeting'));
    res.status(201).setHeader('ETag', `"${scheduled.revision}"`).json(scheduled);
  });

  router.patch('/api/deals/:dealId/meetings/:meetingId', async (req, res) => {
    const actor = requireActor(req);
    const { revision, ...times } = parseInput(MeetingRescheduleSchema, 'body', req.body, 'The new times');
    const expectedRevision = expectedRevisionOf(req.get('If-Match'), revision, 'The new times');
    const moved = await rescheduleMeeting(deps, actor, dealId(req), meetingId(req), { ...times, expectedRevision });
    res.setHeader('ETag', `"${moved.revision}"`).json(moved);
  });

  router.post('/api/deals/:dealId/meetings/:meetingId/cancel', async (req, res) => {
    const actor = requireActor(req);
    const { revision, reason } = parseInput(MeetingCancelSchema, 'body', req.body, 'The cancellation');
    const expectedRevision = expectedRevisionOf(req.get('If-Match'), revision, 'The cancellation');
    const cancelled = await cancelMeeting(deps, actor, dealId(req), meetingId(req), { expectedRevision, reason });
    res.setHeader('ETag', `"${cancelled.revision}"`).json(cancelled);
  });

  router.post('/api/deals/:dealId/meetings/:meetingId/outcome', async (req, res) => {
    const actor = requireActor(req);
    const id = parse(text(100), req.params.meetingId, 'The meeting id');
    res.json(
      await completeMeeting(deps, actor, dealId(req), id, parse(MeetingOutcomeSchema, req.body, 'The meeting outcome')),
    );
  });

  return router;
}
