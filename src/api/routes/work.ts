/**
 * A person's work over HTTP: tasks (list, create, complete, snooze), a deal's next step, and
 * "My work" (GET /api/me/work). The access policy has already checked the task or deal in the
 * path is in the caller's sight; the use-cases decide the rest.
 */
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { requireActor } from '../../auth/actor';
import type { Db } from '../../db/client';
import { text } from '../../domain/fields';
import { because } from '../zod-words';
import { DUE_WINDOWS, TASK_KINDS, TASK_STATUSES } from '../../domain/tasks';
import { myWork } from '../../usecases/my-work';
import { setNextStep } from '../../usecases/next-step';
import { completeTask, createTask, listTasks, snoozeTask } from '../../usecases/tasks';
import { sightFor } from '../access';
import { expectedRevisionOf, parseInput } from '../input';
import { emailAddress, LeadIdSchema } from '../schemas';
import { dealIdOf } from './accounts';
import { DealIdSchema } from './deals';
import { pageCursor } from '../page-cursor';

export interface WorkRoutesDeps {
  db: Db;
  temporal: Client;
  now?: () => Date;
}

const oneOf = (values: readonly string[]) => ({ error: `must be one of: ${values.join(', ')}` });

/** An instant with a zone, between 2000 and 2100 (what every database stores and a cursor carries). */
const instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO-8601 date-time with a zone, e.g. "2026-03-02T09:00:00Z"' })
  .regex(/^(?:20\d{2}|2100)-/, 'must be between 2000 and 2100')
  .transform((iso) => new Date(iso));

export const TaskIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_:.-]{1,300}$/, 'is not a task id')
  .meta({ description: 'The task id (`tk_` + 22 characters for tasks made by hand; journeys write their own).' });

export const TaskListQuerySchema = z.strictObject({
  owner: z
    .union([z.literal('me'), emailAddress()], { error: 'must be "me" or an email address' })
    .optional()
    .meta({ description: "`me`, or a person's email (default: everyone in the caller's sight)." }),
  status: z.enum(TASK_STATUSES, oneOf(TASK_STATUSES)).default('open'),
  due: z.enum(DUE_WINDOWS, oneOf(DUE_WINDOWS)).default('all').meta({
    description:
      "overdue: due before now; today: due during today; week: due from the start of today to the end of the sixth day after it; all. Days are the owner's calendar days (`owner`), else the caller's.",
  }),
  leadId: LeadIdSchema.optional(),
  dealId: DealIdSchema.optional(),
  kind: z.enum(TASK_KINDS, oneOf(TASK_KINDS)).optional(),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1–200')
    .max(200, 'must be 1–200')
    .default(50),
  after: pageCursor('`nextCursor` of the previous page.'),
});

export const TaskCreateSchema = z
  .strictObject({
    title: text(200),
    kind: z.enum(TASK_KINDS, oneOf(TASK_KINDS)),
    dueAt: instant,
    leadId: LeadIdSchema.optional(),
    dealId: DealIdSchema.optional().meta({ description: "A deal's task is also on the deal's lead." }),
    ownerEmail: emailAddress()
      .optional()
      .meta({ description: 'Whose task it is (default: the caller); the caller or someone who reports to them.' }),
    notes: text(4000).optional(),
  })
  .refine((task) => task.leadId !== undefined || task.dealId !== undefined, {
    path: ['leadId'],
    ...because('lead-or-deal'),
  })
  .meta({ anyOf: [{ required: ['leadId'] }, { required: ['dealId'] }] });

export const TaskCompleteSchema = z.strictObject({});

export const TaskSnoozeSchema = z.strictObject({
  until: instant.meta({ description: 'The new due time; it must be in the future.' }),
});

export const NextStepPutSchema = z
  .strictObject({
    nextStep: text(500)
      .nullable()
      .meta({ description: 'What happens next, in words; null clears the next step (and its date).' }),
    dueOn: z.iso
      .date('must be a calendar date, YYYY-MM-DD')
      .regex(/^(?:20\d{2}|2100)-/, 'must be between 2000-01-01 and 2100-12-31')
      .nullable()
      .meta({ description: "The owner's calendar day it is due (YYYY-MM-DD); null: no date." }),
    revision: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be 1 or more')
      .optional()
      .meta({ description: 'The deal revision you read (or send If-Match).' }),
  })
  .refine((edit) => edit.nextStep !== null || edit.dueOn === null, {
    path: ['dueOn'],
    ...because('due-on-needs-next-step', {}, { unprocessable: true }),
  });

export const MyWorkQuerySchema = z.strictObject({
  slaWithinHours: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1–168')
    .max(168, 'must be 1–168')
    .default(4)
    .meta({ description: 'A first-touch SLA due within this many hours (or already breached) is at risk.' }),
});

const taskIdOf = (params: unknown) =>
  parseInput(z.object({ taskId: TaskIdSchema }), 'params', params, 'The task id').taskId;

export function workRoutes(deps: WorkRoutesDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());

  router.get('/api/tasks', async (req, res) => {
    const actor = requireActor(req);
    const query = parseInput(TaskListQuerySchema, 'query', req.query, 'The query');
    res.json(await listTasks(deps.db, actor, await sightFor(req), query, now()));
  });

  router.post('/api/tasks', async (req, res) => {
    const actor = requireActor(req);
    const draft = parseInput(TaskCreateSchema, 'body', req.body, 'The task');
    const task = await createTask(deps.db, actor, await sightFor(req), draft);
    res.status(201).json(task);
  });

  router.post('/api/tasks/:taskId/complete', async (req, res) => {
    const actor = requireActor(req);
    const taskId = taskIdOf(req.params);
    parseInput(TaskCompleteSchema, 'body', req.body, 'The completion');
    res.json(await completeTask(deps.db, actor, await sightFor(req), taskId, now()));
  });

  router.post('/api/tasks/:taskId/snooze', async (req, res) => {
    const actor = requireActor(req);
    const taskId = taskIdOf(req.params);
    const { until } = parseInput(TaskSnoozeSchema, 'body', req.body, 'The snooze');
    res.json(await snoozeTask(deps.db, actor, await sightFor(req), taskId, until, now()));
  });

  router.put('/api/deals/:dealId/next-step', async (req, res) => {
    const actor = requireActor(req);
    const dealId = dealIdOf(req);
    const { revision, ...edit } = parseInput(NextStepPutSchema, 'body', req.body, 'The next step');
    const expectedRevision = expectedRevisionOf(req.get('If-Match'), revision, 'The next step');
    const saved = await setNextStep(deps.db, actor, dealId, { ...edit, expectedRevision }, now());
    res.setHeader('ETag', `"${saved.revision}"`).json(saved);
  });

  router.get('/api/me/work', async (req, res) => {
    const actor = requireActor(req);
    const query = parseInput(MyWorkQuerySchema, 'query', req.query, 'The query');
    res.json(await myWork(deps, actor, await sightFor(req), query, now()));
  });

  return router;
}
