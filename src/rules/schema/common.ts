/**
 * Building blocks shared by the five file schemas: names, durations, percentages,
 * conditions and the `pin` flag. Each schema is the single source for validation, for the
 * TypeScript type (via `z.infer`) and for the generated JSON Schema editors use.
 */
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from '../duration';
import { factNamesFor } from '../facts';
import { OPS } from '../operators';
import type { RuleKind } from '../types';

/** Names RevOps gives to rules, pools, cadences…: lowercase words joined by dashes. */
export const nameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'names use lowercase letters, digits and dashes, e.g. "enterprise-na"' })
  .meta({ description: 'lowercase letters, digits and dashes, e.g. "enterprise-na"' });

/**
 * A text people read, written once (`missing: send a quote`, shown in every language) or per
 * language (`missing: { en: send a quote, zh-CN: 发送报价 }`): the workspace shows the reader's.
 */
export const localisedTextSchema = z.union([
  z.string().trim().min(1),
  z
    .looseObject({
      en: z.string().trim().min(1).meta({ description: 'English' }),
      'zh-CN': z.string().trim().min(1).meta({ description: 'Simplified Chinese' }),
    })
    // Another key is reported as such (a strict object's error would lose to the string branch's).
    .refine((text) => Object.keys(text).every((key) => key === 'en' || key === 'zh-CN'), {
      when: () => true,
      error: 'write one text per language, under en and zh-CN only',
      params: { diagnostic: 'unknown-key' },
    }),
]);
export type LocalisedText = z.infer<typeof localisedTextSchema>;

/**
 * What people see for an entity RevOps names (a tier, cadence, pool, queue, SLA, loss reason…):
 * `label: { en: Enterprise pool, zh-CN: 企业客户池 }`, both languages, nothing else. Without one, the
 * entity's name is shown.
 */
export const labelSchema = z
  .strictObject({
    en: z.string().trim().min(1).meta({ description: 'English, e.g. "Enterprise pool"' }),
    'zh-CN': z.string().trim().min(1).meta({ description: 'Simplified Chinese, e.g. "企业客户池"' }),
  })
  .meta({ description: 'what people see instead of the name, in both languages: { en: Enterprise pool, zh-CN: 企业客户池 }' });
export type Label = z.infer<typeof labelSchema>;

/** A localised text in `language` (the one string when it was written once). */
export function textIn(text: LocalisedText, language: 'en' | 'zh-CN'): string {
  return typeof text === 'string' ? text : text[language];
}

/** `2 business hours`, `3 business days`, `48 hours`; checked precisely by `parseDuration`. */
export const durationSchema = z
  .string()
  .superRefine((text, ctx) => {
    const parsed = parseDuration(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message, params: { hint: parsed.hint, diagnostic: 'invalid-duration' } });
  })
  .meta({ description: 'a number and a unit: "2 business hours", "3 business days", "48 hours", "30 days"', pattern: DURATION_PATTERN, examples: ['2 business hours', '3 business days', '48 hours'] });

/** `50%` */
export const percentSchema = z
  .string()
  .regex(/^\d+(\.\d+)?%$/, { message: 'write a percentage like "50%"' })
  .refine((text) => Number.parseFloat(text) > 0 && Number.parseFloat(text) <= 100, { message: 'a percentage must be above 0% and at most 100%' });

/** `HH:MM` on a 24-hour clock. */
export const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'write a 24-hour time like "09:00"' });

/** A closing time: `HH:MM` on a 24-hour clock, or `24:00` for the end of the day (open until midnight). */
export const closingTimeSchema = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, { message: 'write a 24-hour time like "17:30", or "24:00" for midnight at the end of the day' });

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const weekdaySchema = z.enum(WEEKDAYS);

/** `pin: true` makes journeys started under this ruleset keep it for their whole life. */
export const pinSchema = z
  .boolean()
  .optional()
  .meta({ description: 'true: journeys started under this version keep it for their whole life' });

const scalarSchema = z.union([z.string(), z.number(), z.boolean()]);
const conditionValueSchema = z.union([scalarSchema, z.array(scalarSchema)]);

/** One test of one fact: `{ fact: company.employees, op: ">=", value: 1000 }`. */
export function factConditionSchema(kind: RuleKind) {
  return z.strictObject({
    fact: z.enum(factNamesFor(kind) as [string, ...string[]]).meta({ description: 'the fact to test, e.g. company.employees' }),
    op: z.enum(OPS).meta({ description: 'comparison: ==, !=, >, >=, <, <=, in, not in, contains, does not contain' }),
    value: conditionValueSchema.meta({ description: 'what the fact is compared with; a list for in / not in' }),
  });
}

export type FactCondition = { fact: string; op: (typeof OPS)[number]; value: string | number | boolean | (string | number | boolean)[] };

/** A condition tree in the file: a fact test, `all`, `any`, `not`, or `always`. */
export type Condition = 'always' | FactCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };

const conditionCache = new Map<RuleKind, z.ZodType<Condition>>();

/**
 * The condition grammar for one file kind (the facts it may use differ by kind). Mirrors
 * json-rules-engine's `all` / `any` / `not` so compiling is one-to-one.
 */
export function conditionSchema(kind: RuleKind): z.ZodType<Condition> {
  const cached = conditionCache.get(kind);
  if (cached) return cached;
  const schema: z.ZodType<Condition> = z.union([
    z.literal('always').meta({ description: 'matches every lead' }),
    factConditionSchema(kind),
    z.strictObject({ get all() { return z.array(schema).min(1); } }).meta({ description: 'every condition in the list holds' }),
    z.strictObject({ get any() { return z.array(schema).min(1); } }).meta({ description: 'at least one condition in the list holds' }),
    z.strictObject({ get not() { return schema; } }).meta({ description: 'the condition does not hold' }),
  ]);
  conditionCache.set(kind, schema);
  return schema;
}
