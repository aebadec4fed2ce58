/**
 * `escalation.yaml`: business-hours calendars, SLA timers with escalation chains, and
 * stalled-stage alerts.
 */
import { z } from 'zod';
import { DEAL_STAGES, LEAD_STAGES } from '../facts';
import { closingTimeSchema, clockTimeSchema, conditionSchema, durationSchema, labelSchema, nameSchema, pinSchema, weekdaySchema } from './common';
import { factsSchema } from './facts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'write a date like "2025-12-25"' });
/** `US`, `GB`: the shape only; `leadflow rules check` also rejects codes ISO does not assign. */
const countryCode = z
  .string()
  .superRefine((code, ctx) => {
    if (/^[A-Z]{2}$/.test(code)) return;
    const hint = /^[a-z]{2}$/i.test(code) ? `write "${code.toUpperCase()}"` : 'e.g. "US", "GB", "DE"';
    ctx.addIssue({ code: 'custom', message: `"${code}" is not a two-letter ISO 3166 country code in upper case`, params: { hint } });
  })
  .meta({ pattern: '^[A-Z]{2}$' });

const calendarSchema = z.strictObject({
  timezone: z.string().meta({ description: 'IANA time zone, e.g. "America/New_York"' }),
  days: z.array(weekdaySchema).min(1).meta({ description: 'working days, e.g. [mon, tue, wed, thu, fri]' }),
  hours: z.strictObject({ from: clockTimeSchema, to: closingTimeSchema }).meta({ description: 'working hours in the calendar time zone' }),
  holidays: z.array(isoDate).optional().meta({ description: 'dates that are not working days' }),
  countries: z
    .array(countryCode)
    .optional()
    .meta({ description: "ISO 3166 codes of the countries whose leads' cadences skip these holidays, e.g. [US, CA]; each country in one calendar only" }),
});

const after = durationSchema.optional().meta({ description: 'wait since the previous step (the first step: since the deadline); omit to act at the same time' });

/** One step of an escalation chain. */
const stepSchema = z.discriminatedUnion('do', [
  z.strictObject({ do: z.literal('remind-owner'), after }),
  z.strictObject({ do: z.literal('notify-owner'), after }),
  z.strictObject({ do: z.literal('notify-manager'), after }),
  z.strictObject({ do: z.literal('reassign'), after, pool: nameSchema.optional().meta({ description: 'pool from routing.yaml to reassign through (default: route again)' }) }),
  z.strictObject({ do: z.literal('move-to-queue'), after, queue: nameSchema.meta({ description: 'queue from routing.yaml' }) }),
]);

const slaSchema = z.strictObject({
  name: nameSchema,
  label: labelSchema.optional().meta({ description: 'what people see instead of the name: { en: …, zh-CN: … } (default: the name)' }),
  description: z.string().optional(),
  starts: z.enum(['mql', 'assigned', 'sql', 'reassigned']).meta({ description: 'what starts the clock' }),
  stops: z.enum(['first-touch', 'meeting-booked', 'qualified']).meta({ description: 'what stops the clock (and cancels the chain)' }),
  within: durationSchema.meta({ description: 'the deadline, e.g. "2 business hours"' }),
  calendar: z.string().meta({ description: '"owner" (the owner\'s own calendar) or a calendar name from `calendars:`' }),
  overrides: z
    .array(z.strictObject({ name: nameSchema, when: conditionSchema('escalation'), within: durationSchema }))
    .optional()
    .meta({ description: 'checked top to bottom; the first that matches replaces `within`' }),
  onBreach: z.array(stepSchema).min(1).meta({ description: 'the escalation chain, walked when the deadline passes' }),
});

const stalledSchema = z.strictObject({
  name: nameSchema,
  label: labelSchema.optional().meta({ description: 'what people see instead of the name: { en: …, zh-CN: … } (default: the name)' }),
  description: z.string().optional(),
  stage: z.enum([...LEAD_STAGES, ...DEAL_STAGES]),
  after: durationSchema.meta({ description: 'how long in the stage counts as stalled' }),
  calendar: z.string(),
  when: conditionSchema('escalation').optional(),
  then: z.array(stepSchema).min(1),
});

const escalationTestSchema = z.union([
  z.strictObject({
    name: z.string(),
    sla: z.string(),
    facts: factsSchema,
    expect: z.strictObject({ within: z.string().optional(), override: z.string().optional(), steps: z.array(z.string()).optional() }),
  }),
  z.strictObject({
    name: z.string(),
    stalled: z.string().meta({ description: 'a stage name' }),
    facts: factsSchema,
    expect: z.strictObject({ alert: z.string().nullable().optional(), after: z.string().optional(), steps: z.array(z.string()).optional() }),
  }),
]);

export const escalationFileSchema = z.strictObject({
  pin: pinSchema,
  calendars: z.record(nameSchema, calendarSchema),
  defaultCalendar: nameSchema.meta({ description: 'used for owners without a calendar of their own' }),
  slas: z.array(slaSchema),
  stalled: z.array(stalledSchema).optional(),
  tests: z.array(escalationTestSchema).optional(),
});

export type EscalationFile = z.infer<typeof escalationFileSchema>;
export type EscalationStepSpec = z.infer<typeof stepSchema>;
export type CalendarSpec = z.infer<typeof calendarSchema>;
export type EscalationTest = z.infer<typeof escalationTestSchema>;
