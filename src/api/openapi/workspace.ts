import { DealIdSchema } from '../routes/deals';
import { DealTimelineQuerySchema, LeadTimelineQuerySchema } from '../routes/timelines';
import { errorResponse, errors, json, pathParam, queryParams } from './common';
import { leadIdParam } from './leads';
import { needsToken, unauthenticated } from './people';
import { RenewalsCalendarSchema, TimelinePageSchema } from './workspace-shapes';
import { RenewalsQuerySchema } from '../routes/renewals';

const timelinePage = {
  description: 'One page of the timeline, newest first; pass `nextCursor` as `cursor` for older items.',
  content: json(TimelinePageSchema),
};

/** The sales workspace's reads: timelines and the renewals calendar. */
export const workspacePaths = {
  '/api/leads/{id}/timeline': {
    get: {
      operationId: 'getLeadTimeline',
      tags: ['leads'],
      summary:
        "A lead's merged timeline, newest first: submissions, behaviours, touches, emails, stage changes, BANT and assignments",
      ...needsToken,
      parameters: [leadIdParam, ...queryParams(LeadTimelineQuerySchema)],
      responses: {
        '200': timelinePage,
        ...errors(
          ['400', 'An invalid `limit`, `cursor` or `kinds` (`validation_failed`; `fields` names each).'],
          ['404', 'No such lead in your sight (`not_found`).'],
          ['503', 'The database is unreachable.'],
        ),
        ...unauthenticated,
      },
    },
  },
  '/api/deals/{dealId}/timeline': {
    get: {
      operationId: 'getDealTimeline',
      tags: ['deals'],
      summary:
        "A deal's merged timeline, newest first: its lead's history, then activities, meetings, quotes sent, approval requests, steps and decisions, signatures and contract events",
      ...needsToken,
      parameters: [
        pathParam('dealId', DealIdSchema, 'The deal id (`dl_` + 22 characters).'),
        ...queryParams(DealTimelineQuerySchema),
      ],
      responses: {
        '200': timelinePage,
        ...errors(
          ['400', 'An invalid `limit`, `cursor` or `kinds` (`validation_failed`; `fields` names each).'],
          ['404', 'No such deal in your sight (`not_found`).'],
          ['503', 'The database is unreachable.'],
        ),
        ...unauthenticated,
      },
    },
  },
  '/api/renewals': {
    get: {
      operationId: 'getRenewalsCalendar',
      tags: ['deals'],
      summary:
        'The renewals calendar: won contracts whose term ends between `from` and `to`, with deal, account, value, owner, status and reminder dates',
      ...needsToken,
      parameters: queryParams(RenewalsQuerySchema),
      responses: {
        '200': {
          description: 'The contracts ending in the range, soonest first.',
          content: json(RenewalsCalendarSchema),
        },
        '422': errorResponse(
          '`to` is before `from`, or more than 731 days after it (`unprocessable`; `fields` names `to`).',
        ),
        ...errors(
          ['400', 'A missing or malformed `from` or `to`, or an unknown parameter (`validation_failed`).'],
          ['503', 'The database is unreachable.'],
        ),
        ...unauthenticated,
      },
    },
  },
};
