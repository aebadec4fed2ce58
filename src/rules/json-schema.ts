/**
 * JSON Schemas for the rule file kinds, generated from the same zod schemas the loader
 * validates with, so editors (the YAML language server) autocomplete and underline
 * exactly what `leadflow rules check` would reject at the schema stage.
 */
import { z } from 'zod';
import { FILE_SCHEMAS } from './schema';
import { fileNameOf, RULE_KINDS, type RuleKind } from './types';

const TITLES: Record<RuleKind, string> = {
  scoring: 'leadflow lead scoring rules',
  routing: 'leadflow lead routing rules',
  escalation: 'leadflow SLA and escalation rules',
  cadences: 'leadflow follow-up cadences',
  approvals: 'leadflow deal desk: discount approvals, quotes, renewals, stage exit criteria',
  forecast: 'leadflow forecast: stage probabilities and forecast categories',
  'loss-reasons': 'leadflow loss reasons: the codes a lost deal is filed under',
};

/** The JSON Schema document for one kind. */
export function jsonSchemaFor(kind: RuleKind): Record<string, unknown> {
  const generated = z.toJSONSchema(FILE_SCHEMAS[kind], { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  return { ...generated, $id: `https://leadflow.dev/schema/${kind}.schema.json`, title: TITLES[kind], description: `Schema of rules/${fileNameOf(kind)}.` };
}

/** `{ 'scoring.schema.json': '…' }` for every kind, as pretty-printed JSON text. */
export function jsonSchemaFiles(): Record<string, string> {
  return Object.fromEntries(RULE_KINDS.map((kind) => [`${kind}.schema.json`, `${JSON.stringify(jsonSchemaFor(kind), null, 2)}\n`]));
}
