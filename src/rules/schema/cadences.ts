/**
 * `cadences.yaml`: email templates, follow-up sequences (email, call and LinkedIn steps
 * with business-day delays), send windows, stop conditions, and which cadence a new MQL
 * is enrolled in.
 */
import { z } from 'zod';
import { closingTimeSchema, clockTimeSchema, conditionSchema, durationSchema, labelSchema, nameSchema, pinSchema, weekdaySchema } from './common';
import { factsSchema } from './facts';
import type { Language } from '../../domain/languages';

export const STOP_CONDITIONS = ['reply', 'meeting-booked', 'unsubscribe', 'bounce', 'disqualified', 'stage-change'] as const;

/** `lead`: skip the holidays of the lead's calendar in escalation.yaml; `none`: send on holidays too. */
export const HOLIDAY_POLICIES = ['lead', 'none'] as const;

const sendWindowSchema = z.strictObject({
  days: z.array(weekdaySchema).min(1),
  from: clockTimeSchema,
  to: closingTimeSchema,
  holidays: z
    .enum(HOLIDAY_POLICIES)
    .optional()
    .meta({ description: "lead (default): skip public holidays of the escalation.yaml calendar listing the lead's country (or using the lead's time zone); none: send on holidays too" }),
}).meta({ description: "when messages may go out, in the lead's own time zone" });

/**
 * A template text: one string (English, sent to every lead), or one text per language,
 * `{ en: …, zh-CN: … }`. English is required in the second form: a lead whose language has no
 * text gets the English one (the compiler warns about every such gap).
 */
function localizedTextSchema(description: string, reader: 'lead' | 'owner' = 'lead') {
  const text = z.string().min(1);
  const shown = reader === 'lead' ? 'sent to every lead' : 'shown in every language';
  const whose = reader === 'lead' ? 'leads with language zh-CN' : 'shown to people who read Chinese';
  return z.union([
    text.meta({ description: `${description}; English, ${shown}` }),
    z
      .strictObject({
        en: text.meta({ description: `${description}, in English (required: the fallback for any language without its own text)` }),
        'zh-CN': text.optional().meta({ description: `${description}, in Simplified Chinese (${whose})` }),
      } satisfies Record<Language, z.ZodType>)
      .meta({ description: `${description}, per language of the ${reader === 'lead' ? 'lead' : 'reader'}: { en: …, zh-CN: … }` }),
  ]);
}

const templateSchema = z.strictObject({
  subject: localizedTextSchema('one line with {{placeholders}}'),
  body: localizedTextSchema('plain text with {{placeholders}}, e.g. {{contact.firstName}}'),
});

const after = durationSchema.optional().meta({ description: 'wait since the previous step, e.g. "2 business days" (the first step: since enrolment)' });

const stepSchema = z.discriminatedUnion('do', [
  z.strictObject({ do: z.literal('email'), after, template: nameSchema.meta({ description: 'a template from `templates:`' }) }),
  z.strictObject({ do: z.literal('call'), after, task: localizedTextSchema('what the owner should do on the call (the task they get)', 'owner') }),
  z.strictObject({ do: z.literal('linkedin'), after, task: localizedTextSchema('what the owner should do on LinkedIn (the task they get)', 'owner') }),
]);

const cadenceSchema = z.strictObject({
  name: nameSchema,
  label: labelSchema.optional().meta({ description: 'what people see instead of the name: { en: …, zh-CN: … } (default: the name)' }),
  description: z.string().optional(),
  sendWindow: sendWindowSchema.optional(),
  stopWhen: z.array(z.enum(STOP_CONDITIONS)).optional(),
  steps: z.array(stepSchema).min(1),
});

const enrolmentSchema = z.strictObject({
  name: nameSchema,
  when: conditionSchema('cadences'),
  cadence: nameSchema,
});

const cadenceTestSchema = z.strictObject({
  name: z.string(),
  facts: factsSchema,
  expect: z.strictObject({
    cadence: z.string().nullable().optional().meta({ description: 'the cadence, or null for none' }),
    rule: z.string().optional(),
    steps: z.array(z.string()).optional().meta({ description: 'e.g. ["email mql-intro", "call", …]' }),
  }),
});

export const cadencesFileSchema = z.strictObject({
  pin: pinSchema,
  sendWindow: sendWindowSchema,
  stopWhen: z.array(z.enum(STOP_CONDITIONS)).min(1),
  templates: z.record(nameSchema, templateSchema),
  cadences: z.array(cadenceSchema).min(1),
  enrolment: z.array(enrolmentSchema).meta({ description: 'checked top to bottom; the first match picks the cadence' }),
  tests: z.array(cadenceTestSchema).optional(),
});

export type CadencesFile = z.infer<typeof cadencesFileSchema>;
export type TemplateSpec = z.infer<typeof templateSchema>;
export type LocalizedTextSpec = TemplateSpec['subject'];
export type CadenceStepSpec = z.infer<typeof stepSchema>;
export type CadenceTest = z.infer<typeof cadenceTestSchema>;
export type HolidayPolicy = (typeof HOLIDAY_POLICIES)[number];
