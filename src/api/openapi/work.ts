/**
 * The OpenAPI entries of a person's work: tasks, a deal's next step and My work. Response shapes
 * are zod schemas checked at compile time against the use-cases' view types (`ShapesChecked`).
 */
import { z } from 'zod';
import { STALL_REASON_CODES } from '../../domain/deal-stall';
import type { MyWork } from '../../usecases/my-work';
import type { NextStepView } from '../../usecases/next-step';
import type { TaskView } from '../../usecases/tasks';
import {
  MyWorkQuerySchema,
  NextStepPutSchema,
  TaskCompleteSchema,
  TaskCreateSchema,
  TaskIdSchema,
  TaskListQuerySchema,
  TaskSnoozeSchema,
} from '../routes/work';
import { DealIdSchema } from '../routes/deals';
import { WordedSchema } from './workspace-shapes';
import { body, errorResponse, errors, ifMatchParam, json, pathParam, queryParams, revisionRefusals } from './common';
import { needsToken, unauthenticated } from './people';

const nullableText = z.string().nullable();
const instant = z.string().meta({ description: 'ISO-8601 instant (UTC).' });

export const TaskViewSchema = z.object({
  id: z.string(),
  kind: z.string().meta({
    description: 'call | email | meeting | linkedin | follow-up | reminder | review | approval | renewal | other',
  }),
  title: z.string().meta({ description: 'In English, or as the person wrote it.' }),
  titleText: WordedSchema.nullable().meta({
    description:
      'A title a journey wrote (a cadence step, an overdue first touch), as a code and values for a client to word; null for tasks written by hand and older ones.',
  }),
  notes: nullableText,
  status: z.string().meta({ description: 'open | done | cancelled' }),
  dueAt: instant,
  overdue: z.boolean().meta({ description: 'Open and past its due time.' }),
  ownerEmail: nullableText,
  lead: z.object({ id: z.string(), name: z.string(), company: nullableText }),
  deal: z.object({ id: z.string(), name: z.string() }).nullable(),
  source: z
    .enum(['manual', 'journey'])
    .meta({ description: 'manual: made by a person (createdBy); journey: written by a workflow.' }),
  createdBy: nullableText,
  createdAt: instant,
  snoozedAt: nullableText,
  completedAt: nullableText,
  completedBy: nullableText,
});

export const TaskListSchema = z.object({
  tasks: z.array(TaskViewSchema),
  nextCursor: nullableText.meta({ description: 'Pass as `after` for the next page; null on the last page.' }),
  timeZone: z.string().meta({ description: "The zone the due window was read in (the owner's, else the caller's)." }),
});

const StallReasonSchema = z.object({
  code: z.enum(STALL_REASON_CODES),
  message: z.string(),
});

export const NextStepViewSchema = z.object({
  dealId: z.string(),
  revision: z
    .number()
    .int()
    .meta({ description: 'Name it on the next edit (If-Match or `revision`); also the `ETag`.' }),
  nextStep: nullableText,
  nextStepDueOn: nullableText.meta({ description: 'YYYY-MM-DD' }),
  stalling: z.array(StallReasonSchema).meta({ description: 'Reasons from the next step alone (no stage alerts).' }),
});

const MoneySchema = {
  amountMinor: z.number().int().nullable(),
  currency: z.string(),
  formatted: nullableText.meta({ description: 'e.g. "USD 12,000.00"' }),
};

export const MyWorkSchema = z.object({
  me: z.string(),
  timeZone: z.string(),
  today: z.string().meta({ description: "The person's calendar day, YYYY-MM-DD." }),
  generatedAt: instant,
  tasks: z
    .array(TaskViewSchema)
    .meta({ description: "The person's open tasks due before the end of their today (overdue ones flagged)." }),
  slasAtRisk: z.array(
    z.object({
      leadId: z.string(),
      name: z.string(),
      company: nullableText,
      email: nullableText,
      owner: nullableText,
      stage: z.string(),
      slaDueAt: instant,
      status: z.enum(['breached', 'at-risk']),
      minutesLeft: z.number().int().meta({ description: 'Negative once breached.' }),
    }),
  ),
  approvals: z.array(
    z.object({
      requestId: z.string(),
      stepId: z.string(),
      level: z.string(),
      dueAt: instant,
      overdue: z.boolean(),
      delegatedFrom: nullableText,
      requestedBy: nullableText,
      requestedAt: instant,
      deal: z.object({ id: z.string(), name: z.string(), company: nullableText, owner: z.string(), ...MoneySchema }),
      quote: z.object({ id: z.string(), number: z.string(), version: z.number().int(), discountBp: z.number().int() }),
    }),
  ),
  meetings: z.array(
    z.object({
      meetingId: z.string(),
      kind: z.string(),
      title: z.string(),
      startsAt: instant,
      endsAt: instant,
      status: z.string(),
      attendees: z.array(z.string()),
      deal: z.object({ id: z.string(), name: z.string(), company: nullableText }),
    }),
  ),
  stalledDeals: z.array(
    z.object({
      deal: z.object({
        id: z.string(),
        name: z.string(),
        company: nullableText,
        owner: z.string(),
        stage: z.string(),
        ...MoneySchema,
      }),
      nextStep: nullableText,
      nextStepDueOn: nullableText,
      reasons: z.array(StallReasonSchema),
      journeyChecked: z
        .boolean()
        .meta({ description: 'false: the deal journey did not answer in time; stage-alert reasons may be missing.' }),
    }),
  ),
});

const ok = (description: string, schema: z.ZodType) => ({ description, content: json(schema) });
const tags = ['tasks'];
const taskParam = pathParam('taskId', TaskIdSchema, 'The task id.');
const noTask = ['404', "No such task in the caller's sight (`not_found`)."] as const;

export const workPaths = {
  '/api/tasks': {
    get: {
      operationId: 'listTasks',
      tags,
      summary:
        "Tasks, soonest due first: the caller's and (for a manager) their team's; filter by owner, status, due window, lead, deal and kind",
      ...needsToken,
      parameters: queryParams(TaskListQuerySchema),
      responses: { '200': ok('A page of tasks.', TaskListSchema), ...errors('400'), ...unauthenticated },
    },
    post: {
      operationId: 'createTask',
      tags,
      summary: 'Create a task by hand on a lead or a deal, for the caller or someone who reports to them',
      ...needsToken,
      requestBody: body(TaskCreateSchema),
      responses: {
        '201': ok('The task.', TaskViewSchema),
        ...errors(['404', "The lead or deal is not in the caller's sight (`not_found`)."]),
        '403': errorResponse('The caller may not change the deal, or names an owner outside their team (`forbidden`).'),
        '422': errorResponse(
          "The leadId is not the deal's lead, or ownerEmail is not an active person (`unprocessable`, with `fields`).",
        ),
        ...unauthenticated,
      },
    },
  },
  '/api/tasks/{taskId}/complete': {
    post: {
      operationId: 'completeTask',
      tags,
      summary: 'Mark a task done; completing a done task answers it as it is',
      ...needsToken,
      parameters: [taskParam],
      requestBody: { ...body(TaskCompleteSchema), required: false },
      responses: {
        '200': ok('The task, done.', TaskViewSchema),
        ...errors([...noTask]),
        '422': errorResponse('The task is cancelled (`unprocessable`, field `status`).'),
        ...unauthenticated,
      },
    },
  },
  '/api/tasks/{taskId}/snooze': {
    post: {
      operationId: 'snoozeTask',
      tags,
      summary: 'Put an open task off until a later time (its new due time)',
      ...needsToken,
      parameters: [taskParam],
      requestBody: body(TaskSnoozeSchema),
      responses: {
        '200': ok('The task, due at `until`.', TaskViewSchema),
        ...errors([...noTask]),
        '422': errorResponse(
          '`until` is not in the future, or the task is done or cancelled (`unprocessable`, field `until`).',
        ),
        ...unauthenticated,
      },
    },
  },
  '/api/deals/{dealId}/next-step': {
    put: {
      operationId: 'setDealNextStep',
      tags: ['deals'],
      summary:
        "Set the deal's next step and the day it is due (null both to clear), naming the revision you read (If-Match or `revision`)",
      description:
        "A next step past its day (the owner's calendar day), or none at all, makes an open deal stalling (`next-step-overdue`, `no-next-step`).",
      ...needsToken,
      parameters: [pathParam('dealId', DealIdSchema, "The deal's id."), ifMatchParam],
      requestBody: body(NextStepPutSchema),
      responses: {
        '200': ok('Saved; the revision went up by one (also the `ETag`).', NextStepViewSchema),
        ...errors(
          ['404', "No such deal in the caller's sight (`not_found`)."],
          ['409', 'The deal is closed (`conflict`), or it changed since you read it (`stale_revision`).'],
        ),
        '403': errorResponse("The caller is not the deal's owner, one of their managers or revops (`forbidden`)."),
        ...revisionRefusals,
        ...unauthenticated,
      },
    },
  },
  '/api/me/work': {
    get: {
      operationId: 'getMyWork',
      tags,
      summary:
        "My work: the caller's tasks due (overdue and today), first-touch SLAs at risk (a manager's team's too), approval steps waiting for them, today's meetings on their deals, and stalling deals with reasons",
      ...needsToken,
      parameters: queryParams(MyWorkQuerySchema),
      responses: { '200': ok('What to work on today.', MyWorkSchema), ...errors('400'), ...unauthenticated },
    },
  },
};

/** Compiles only when the use-case's type is assignable to the schema's. */
type Matches<Actual extends Schema, Schema> = Actual;
export type WorkShapesChecked = [
  Matches<TaskView, z.infer<typeof TaskViewSchema>>,
  Matches<NextStepView, z.infer<typeof NextStepViewSchema>>,
  Matches<MyWork, z.infer<typeof MyWorkSchema>>,
];
