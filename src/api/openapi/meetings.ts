import { z } from 'zod';
import {
  MeetingCancelSchema,
  MeetingChangeSchema,
  MeetingOutcomeSchema,
  MeetingRescheduleSchema,
  MeetingScheduledSchema,
  MeetingSchema,
} from '../routes/meetings';
import { body, described, errorResponse, errors, ifMatchParam, json, pathParam, revisionRefusals } from './common';
import { dealParam, notWritable, rejected } from './deals';
import { needsToken, unauthenticated } from './people';

const ok = (description: string, schema: z.ZodType) => ({ description, content: json(schema) });
const meetingParam = pathParam('meetingId', z.string(), 'The meeting id (`mtg_` + 20 hexadecimal digits).');
const noMeeting = ['404', 'No such deal, or the deal has no such meeting (`not_found`).'] as const;
const changeRefusals = {
  ...revisionRefusals,
  '409': errorResponse(
    'The meeting changed since that revision (`stale_revision`, `fields[0]` names the current one), it is no longer scheduled, or the deal is closed (`conflict`).',
  ),
};

export const meetingPaths = {
  '/api/deals/{dealId}/meetings': {
    post: {
      operationId: 'scheduleMeeting',
      tags: ['deals'],
      summary:
        'Schedule a meeting or demo: each attendee with an address gets an iCalendar invitation (METHOD:REQUEST, SEQUENCE 0) in their language; reminders go out at approvals.yaml `meetings.remindBefore` to whom `meetings.remind` names',
      ...needsToken,
      parameters: [dealParam],
      requestBody: body(MeetingSchema),
      responses: {
        '201': ok('Scheduled at revision 1 (also the `ETag`).', MeetingScheduledSchema),
        ...errors('400', '404', [...rejected], '413', '503'),
        '422': errorResponse(
          'It ends before it starts, or an attendee names a contact that is not a stakeholder of the deal (`unprocessable`).',
        ),
        ...unauthenticated,
        ...notWritable,
      },
    },
  },
  '/api/deals/{dealId}/meetings/{meetingId}': {
    patch: {
      operationId: 'rescheduleMeeting',
      tags: ['deals'],
      summary:
        'Move a scheduled meeting to new times, naming the revision you read (If-Match or `revision`): the reminders move and the attendees get the updated invitation (same UID, next SEQUENCE)',
      ...needsToken,
      parameters: [dealParam, meetingParam, ifMatchParam],
      requestBody: body(MeetingRescheduleSchema),
      responses: {
        '200': ok('Moved; the revision went up by one (also the `ETag`).', MeetingChangeSchema),
        ...errors('400', [...noMeeting], '413', '503'),
        ...changeRefusals,
        '422': errorResponse(
          'It ends before it starts, or If-Match and `revision` name different revisions (`unprocessable`).',
        ),
        ...unauthenticated,
        ...notWritable,
      },
    },
  },
  '/api/deals/{dealId}/meetings/{meetingId}/cancel': {
    post: {
      operationId: 'cancelMeeting',
      tags: ['deals'],
      summary:
        'Cancel a scheduled meeting, naming the revision you read (If-Match or `revision`): no more reminders, and the attendees get the cancellation (METHOD:CANCEL, same UID, next SEQUENCE)',
      ...needsToken,
      parameters: [dealParam, meetingParam, ifMatchParam],
      requestBody: { ...body(MeetingCancelSchema), required: false },
      responses: {
        '200': ok('Cancelled; the revision went up by one (also the `ETag`).', MeetingChangeSchema),
        ...errors('400', [...noMeeting], '413', '503'),
        ...changeRefusals,
        ...unauthenticated,
        ...notWritable,
      },
    },
  },
  '/api/deals/{dealId}/meetings/{meetingId}/outcome': {
    post: {
      operationId: 'recordMeetingOutcome',
      tags: ['deals'],
      summary:
        "Record attendance and feedback; attendees who came count as engaged; a held demo starts the follow-up cadence, whose thank-you goes to the customer's people who came",
      ...needsToken,
      parameters: [dealParam, meetingParam],
      requestBody: body(MeetingOutcomeSchema),
      responses: {
        '200': described('`{ followUp }`: the follow-up cadence workflow id, or null.'),
        ...errors('400', '404', [...rejected], '503'),
        ...unauthenticated,
        ...notWritable,
      },
    },
  },
};
