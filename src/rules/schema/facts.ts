/**
 * The facts a caller passes to an evaluation, as a schema derived from the fact
 * catalogue. It validates the `facts:` of every `tests:` case (so a misspelt fact in a
 * test is reported like any other mistake) and the `--facts lead.json` of `rules explain`.
 */
import { z } from 'zod';
import type { FACT_GROUPS} from '../facts';
import { BEHAVIOURS, FACTS, type FactSpec } from '../facts';

function factValueSchema(spec: FactSpec) {
  const t = spec.type;
  switch (t.type) {
    case 'number': return z.number().meta({ description: spec.description });
    case 'boolean': return z.boolean().meta({ description: spec.description });
    case 'string': return z.string().meta({ description: spec.description });
    case 'enum': return z.enum(t.values as [string, ...string[]]).meta({ description: spec.description });
  }
}

function groupSchema(group: (typeof FACT_GROUPS)[number]) {
  const shape = Object.fromEntries(Object.entries(FACTS[group]).map(([key, spec]) => [key, factValueSchema(spec).optional()]));
  return z.strictObject(shape).optional();
}

const isoInstant = z.iso.datetime({ offset: true, message: 'write an ISO 8601 time, e.g. "2025-03-10T09:30:00Z"' });

/** One behaviour event (a pricing page visit at a time), scored with decay. */
export const behaviourEventSchema = z.strictObject({
  type: z.enum(BEHAVIOURS),
  at: isoInstant,
});
export type BehaviourEvent = z.infer<typeof behaviourEventSchema>;

/** Everything an evaluation may look at. Every part is optional: missing facts never hold. */
export const factsSchema = z.strictObject({
  company: groupSchema('company'),
  contact: groupSchema('contact'),
  source: groupSchema('source'),
  lead: groupSchema('lead'),
  bant: groupSchema('bant'),
  deal: groupSchema('deal'),
  quote: groupSchema('quote'),
  behaviours: z.array(behaviourEventSchema).optional(),
});

/** Facts about a lead or deal, as evaluations take them. */
export type Facts = z.infer<typeof factsSchema>;

export { isoInstant as isoInstantSchema };
