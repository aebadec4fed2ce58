/**
 * `approvals.yaml`: the deal desk. The discount authority matrix (tiers by discount and
 * deal size, each naming its approval chain), approval levels (deadline, reminder, what
 * happens on timeout), delegation, quote validity and tax rates by region, renewal reminders,
 * meeting reminders and the demo follow-up cadence, and the exit criteria a deal must meet to
 * enter each pipeline stage (blocking, or only warning), and which roles may quote below the price
 * book's list price without that counting as a discount.
 */
import { z } from 'zod';
import { PERSON_ROLES } from '../../auth/actor';
import { MoneyError, parsePartsPerMillion, FULL_PPM } from '../../domain/money';
import { DEAL_STAGES } from '../facts';
import { conditionSchema, durationSchema, labelSchema, localisedTextSchema, nameSchema, pinSchema } from './common';
import { factsSchema } from './facts';

export const APPROVER_ROLES = ['manager', 'director', 'vp', 'finance'] as const;
export type ApproverRole = (typeof APPROVER_ROLES)[number];
const role = z.enum(APPROVER_ROLES);

const levelSchema = z.strictObject({
  deadline: durationSchema.meta({ description: 'how long the approver has to decide' }),
  remindAfter: durationSchema.optional().meta({ description: 'send a reminder after this long without a decision' }),
  onTimeout: z.enum(['escalate', 'approve', 'reject']).meta({ description: 'what happens when the deadline passes' }),
  escalateTo: role.optional().meta({ description: 'with onTimeout: escalate, the role that decides instead' }),
});

const chainEntrySchema = z.union([role, z.strictObject({ parallel: z.array(role).min(2).meta({ description: 'all of these decide at the same time; every one must approve' }) })]);

const tierSchema = z.strictObject({
  name: nameSchema,
  label: labelSchema.optional().meta({ description: 'what people see instead of the name: { en: …, zh-CN: … } (default: the name)' }),
  description: z.string().optional(),
  discount: z.strictObject({
    over: z.number().min(0).max(100).optional().meta({ description: 'applies to discounts strictly above this percentage (omit: from 0%)' }),
    upTo: z.number().min(0).max(100).optional().meta({ description: 'up to and including this percentage (omit: up to 100%)' }),
  }),
  dealSize: z.strictObject({
    from: z.number().min(0).optional().meta({ description: 'deals of at least this size, whole currency units (omit: from 0)' }),
    below: z.number().positive().optional().meta({ description: 'deals smaller than this (omit: no upper limit)' }),
  }).optional(),
  chain: z.array(chainEntrySchema).meta({ description: 'approvals in order; empty: the rep decides alone' }),
});

/** `8.875%`: a tax rate, kept in parts per million, so at most 4 decimals. */
export const taxRateSchema = z
  .string()
  .regex(/^\d+(\.\d+)?%$/, { message: 'write a tax rate as a percentage like "8.875%" or "0%"' })
  .superRefine((text, ctx) => {
    try {
      if (parsePartsPerMillion(text) > FULL_PPM) ctx.addIssue({ code: 'custom', message: `a tax rate must be at most 100%, got ${text}` });
    } catch (error) {
      if (!(error instanceof MoneyError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
    }
  })
  .meta({ description: 'a percentage with up to 4 decimals, e.g. "8.875%", "20%", "0%"', examples: ['8.875%', '20%', '0%'] });

const taxRatesSchema = z
  .object({ default: taxRateSchema.meta({ description: 'the rate for every region not listed, e.g. "0%"' }) })
  .catchall(taxRateSchema)
  .meta({ description: 'tax rate by the customer\'s region: an ISO 3166 country code ("GB", "DE"), optionally with a subdivision ("US-NY"); "US-TX" falls back to "US", then to default' });

const priceOverridesSchema = z.strictObject({
  withoutApproval: z.array(z.enum(PERSON_ROLES)).meta({ description: 'roles whose unit prices below the list price stand as the list price: the approval matrix judges only the discounts given on top of them. Empty (the default): every price below list is a discount and goes through the tiers' }),
}).meta({ description: 'price overrides: a unit price below the price book\'s list price is a discount measured against the list price, unless the author\'s role is listed here' });

const exitCriterionSchema = z.strictObject({
  name: nameSchema,
  when: conditionSchema('approvals'),
  missing: localisedTextSchema.meta({ description: 'shown when the criterion is not met, e.g. "record a needs summary", or per language: { en: record a needs summary, zh-CN: 填写需求摘要 }' }),
  severity: z.enum(['block', 'warn']).optional().meta({ description: 'block (default): the move is refused while unmet; warn: the move goes ahead with the missing text as a warning' }),
});

/** Who gets a meeting's reminders (approvals.yaml `meetings.remind`). */
export const MEETING_REMINDER_RECIPIENTS = ['owner', 'attendees'] as const;

const approvalsTestSchema = z.union([
  z.strictObject({
    name: z.string(),
    quote: z.strictObject({ discountPct: z.number(), dealSize: z.number() }),
    expect: z.strictObject({ tier: z.string().optional(), chain: z.array(chainEntrySchema).optional() }),
  }),
  z.strictObject({
    name: z.string(),
    enterStage: z.enum(DEAL_STAGES),
    facts: factsSchema,
    expect: z.strictObject({ allowed: z.boolean().optional(), missing: z.array(z.string()).optional(), warnings: z.array(z.string()).optional() }),
  }),
  z.strictObject({
    name: z.string(),
    meetingReminder: z.strictObject({
      owner: z.string().meta({ description: "the deal owner's email" }),
      attendees: z.array(z.strictObject({ name: z.string(), email: z.string().optional() })).default([]),
    }),
    expect: z.strictObject({ to: z.array(z.string()) }),
  }),
]);

export const approvalsFileSchema = z.strictObject({
  pin: pinSchema,
  levels: z.partialRecord(role, levelSchema),
  tiers: z.array(tierSchema).min(1).meta({ description: 'together they must cover every discount (0–100%) and deal size exactly once' }),
  delegation: z.strictObject({
    whenOutOfOffice: z.enum(['delegate', 'escalate']).meta({ description: 'an approver who is out of office hands over to their delegate, or the request escalates' }),
    delegateTo: z.enum(['named-delegate', 'own-manager']).meta({ description: "who stands in: the approver's named delegate, or their own manager" }),
    allowManual: z.boolean().meta({ description: 'approvers may delegate a request by hand' }),
    delegateNeeds: z.enum(['same-or-higher-role', 'any-role']),
  }),
  quotes: z.strictObject({
    validFor: durationSchema,
    taxRates: taxRatesSchema.optional(),
  }),
  meetings: z.strictObject({
    remindBefore: z.array(durationSchema).meta({ description: 'reminders before a scheduled meeting or demo, in calendar time, e.g. [1 day, 1 hour]' }),
    remind: z.array(z.enum(MEETING_REMINDER_RECIPIENTS)).min(1).optional().meta({ description: 'who gets each reminder: owner (the deal owner), attendees (everyone invited who has an email address); default [owner]' }),
    demoFollowUp: z.strictObject({ cadence: nameSchema.meta({ description: 'a cadence in cadences.yaml' }) }).optional().meta({ description: 'the cadence a contact is enrolled in after a demo is held' }),
  }).optional(),
  priceOverrides: priceOverridesSchema.optional(),
  renewals: z.strictObject({ remindBefore: z.array(durationSchema).min(1).meta({ description: 'reminders before the contract ends, e.g. [90 days, 60 days, 30 days]' }) }),
  stageExit: z.partialRecord(z.enum(DEAL_STAGES), z.array(exitCriterionSchema)).meta({ description: 'what a deal needs before it may enter a stage' }),
  tests: z.array(approvalsTestSchema).optional(),
});

export type ApprovalsFile = z.infer<typeof approvalsFileSchema>;
export type ApprovalTierSpec = z.infer<typeof tierSchema>;
export type ChainEntrySpec = z.infer<typeof chainEntrySchema>;
export type ApprovalsTest = z.infer<typeof approvalsTestSchema>;
