/**
 * HTTP endpoints for the rules: what is active (and whether the last change was
 * rejected), validation of a file's text for editor integration, and the exact text of
 * any stored version. Thin: parse, call the rules module, and leave errors to the app's one
 * error handler (src/api/errors.ts), which turns them into statuses.
 */
import { Router, type Request, type Response } from 'express';
import { requireActor } from '../auth/actor';
import { z } from 'zod';
import type { RuleRegistry } from '../rules/registry';
import { LeadflowError } from '../domain/errors';
import { brokenRule, invalidInput } from './input';
import { because } from './zod-words';
import { loadRulesetFromTexts } from '../rules/load';
import type { Ruleset } from '../rules/ruleset';
import {
  fileNameOf,
  formatDiagnostic,
  hasErrors,
  kindOfFileName,
  RULE_KINDS,
  type Diagnostic,
  type RuleKind,
} from '../rules/types';
import { validateRuleFile } from '../rules/validate-file';
import type { RuleVersionStore } from '../rules/version-store';

export interface RulesRoutesDeps {
  registry: Pick<RuleRegistry, 'status' | 'active' | 'activeOrNull'>;
  store: RuleVersionStore;
}

const labelsByName = z.record(z.string(), z.object({ en: z.string(), 'zh-CN': z.string() }));

/** GET /api/rules/labels: what people see for each entity the active files label, by its name. */
export const RuleLabelsSchema = z.object({
  rulesetVersion: z.string(),
  tiers: labelsByName.meta({ description: 'approvals.yaml tiers' }),
  cadences: labelsByName.meta({ description: 'cadences.yaml cadences' }),
  pools: labelsByName.meta({ description: 'routing.yaml pools' }),
  queues: labelsByName.meta({ description: 'routing.yaml queues' }),
  slas: labelsByName.meta({ description: 'escalation.yaml SLAs' }),
  stalled: labelsByName.meta({ description: 'escalation.yaml stalled-stage alerts' }),
  forecastRules: labelsByName.meta({ description: 'forecast.yaml category rules' }),
  lossReasons: labelsByName.meta({ description: 'loss-reasons.yaml codes' }),
});

export const validateBody = z
  .strictObject({
    // 128 k characters stays under the API's 256 kB body limit even as JSON (the largest shipped file is 8 kB).
    text: z.string().max(128 * 1024, 'a rule file must be under 128 k characters'),
    fileName: z.string().min(1).max(200).optional(),
    kind: z.enum(RULE_KINDS).optional(),
  })
  .refine(
    (body) => body.kind !== undefined || (body.fileName !== undefined && kindOfFileName(body.fileName) !== undefined),
    { ...because('rules-kind-or-file', { kinds: RULE_KINDS.join(', ') }), path: ['kind'] },
  )
  .meta({
    anyOf: [
      { required: ['kind'] },
      {
        required: ['fileName'],
        properties: { fileName: { pattern: `(^|[\\\\/])(${RULE_KINDS.join('|')})\\.ya?ml$` } },
      },
    ],
  });

export const versionParams = z.object({
  hash: z.string().regex(/^[0-9a-f]{8,64}$/, 'a version hash is hexadecimal, e.g. "3f9a0c1d2e4b5a6c"'),
});

export const activationsQuery = z.strictObject({
  since: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 instant such as 2026-03-01T00:00:00Z' })
    .optional()
    .meta({ description: 'Only activations at or after this instant.' }),
  until: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 instant such as 2026-04-01T00:00:00Z' })
    .optional()
    .meta({ description: 'Only activations before this instant.' }),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1–1000')
    .max(1000, 'must be 1–1000')
    .default(200)
    .meta({ description: 'At most this many, the newest ones.' }),
});

export const versionsQuery = z.strictObject({
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1–100')
    .max(100, 'must be 1–100')
    .default(20)
    .meta({ description: 'At most this many versions on the page.' }),
  after: versionParams.shape.hash
    .optional()
    .meta({ description: 'The page after this version: the `next` of the previous page.' }),
});

export const VersionListSchema = z.strictObject({
  versions: z.array(
    z.strictObject({
      hash: z.string().meta({ description: 'The version (GET /api/rules/versions/{hash} has its texts).' }),
      createdAt: z.iso.datetime().meta({ description: 'When it was first stored.' }),
      activatedAt: z.iso
        .datetime()
        .nullable()
        .meta({ description: 'When it last became the active one; null if it never did.' }),
      summary: z
        .string()
        .nullable()
        .meta({ description: 'What changed when it was first stored, one change per line.' }),
      files: z.array(z.string()).meta({ description: 'Its file names, sorted.' }),
    }),
  ),
  next: z.string().nullable().meta({ description: 'Pass as `after` for the next page; null on the last page.' }),
});

export const ActivationSchema = z.strictObject({
  hash: z.string().meta({ description: 'The version that became active (GET /api/rules/versions/{hash}).' }),
  previous: z.string().nullable().meta({ description: 'The version active before it; null for the first.' }),
  activatedAt: z.iso.datetime(),
  summary: z.string().nullable().meta({ description: 'What changed, one change per line.' }),
  actor: z.string().nullable().meta({
    description: 'Who activated a stored version by hand (an email, or `cli:<user>`); null for a hot reload.',
  }),
  reason: z.string().nullable().meta({ description: 'Why they did; null for a hot reload.' }),
});
export const ActivationListSchema = z.strictObject({ activations: z.array(ActivationSchema) });

/** The 400 for a refused part of a request, its field messages in the caller's language (./input.ts). */
function invalid(what: string, schema: z.ZodType, value: unknown, error: z.ZodError): LeadflowError {
  return invalidInput(`The ${what} is invalid; see fields.`, schema, value, error);
}

/**
 * A valid file's own `tests:` run against the active files with it in place: a file whose tests
 * fail would not be activated, so it is not valid either (the failures are at `name`'s positions).
 */
function ownTestFailures(active: Ruleset, kind: RuleKind, name: string, text: string): Diagnostic[] {
  const current = active.files[kind]?.fileName ?? fileNameOf(kind);
  const loaded = loadRulesetFromTexts({ ...active.texts, [current]: text });
  if (loaded.ok) return [];
  return loaded.diagnostics
    .filter((d) => d.code === 'test-failed' && d.file === current)
    .map((d) => ({ ...d, file: name }));
}

/** Whether an If-None-Match header names `etag` or `*`; weak and strong forms compare alike (RFC 9110 §13.1.2). */
export function namesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const named = tag.trim();
    return named === '*' || named.replace(/^W\//, '') === etag;
  });
}

/** Routes to mount under `/api/rules`. */
export function rulesRoutes(deps: RulesRoutesDeps): Router {
  const router = Router();

  router.get('/', (_req: Request, res: Response) => {
    res.json(deps.registry.status());
  });

  router.get('/labels', (req: Request, res: Response) => {
    const active = deps.registry.activeOrNull();
    if (!active)
      throw new LeadflowError(
        'rules_unavailable',
        'No valid rules are active; fix the rules (`npx leadflow rules check`).',
      );
    // The labels change only with the active version: its hash is the ETag. `no-cache`: a browser
    // may keep the answer but asks again each time, so an activation shows at once.
    const etag = `"${active.version}"`;
    res.set({ ETag: etag, 'Cache-Control': 'private, no-cache' });
    // Checked here, not by Express's `req.fresh`: that ignores If-None-Match when the request says
    // `Cache-Control: no-cache`, which fetch() adds to every request that sets If-None-Match itself.
    if (namesEtag(req.get('if-none-match'), etag)) return void res.status(304).end();
    res.json({ rulesetVersion: active.version, ...active.labels });
  });

  router.post('/validate', (req: Request, res: Response) => {
    const body = validateBody.safeParse(req.body ?? undefined);
    if (!body.success) throw invalid('validation request', validateBody, req.body ?? undefined, body.error);
    const { text, fileName } = body.data;
    const kind = body.data.kind ?? kindOfFileName(fileName ?? '')!;
    const name = fileName ?? `${kind}.yaml`;
    const active = deps.registry.activeOrNull();
    // Cross-file references (escalation → routing queues, approvals → cadences) are checked against the active files when there are some.
    const routing = kind === 'escalation' ? active?.routing : undefined;
    const cadences = kind === 'approvals' && active ? Object.keys(active.cadences.cadences) : undefined;
    const result = validateRuleFile(kind, name, text, {
      ...(routing ? { routing: { queues: routing.queues, pools: Object.keys(routing.pools) } } : {}),
      ...(cadences ? { cadences } : {}),
    });
    const diagnostics =
      result.ok && active ? [...result.diagnostics, ...ownTestFailures(active, kind, name, text)] : result.diagnostics;
    res.json({
      valid: result.ok && !hasErrors(diagnostics),
      kind,
      diagnostics,
      messages: diagnostics.map(formatDiagnostic),
    });
  });

  router.get('/activations', async (req: Request, res: Response) => {
    const query = activationsQuery.safeParse(req.query);
    if (!query.success) throw invalid('query', activationsQuery, req.query, query.error);
    const { since, until, limit } = query.data;
    if (since && until && Date.parse(since) >= Date.parse(until))
      throw brokenRule('The range is empty; see fields.', 'query.until', 'after-since');
    const all = await deps.store.activations({
      ...(since ? { from: new Date(since) } : {}),
      ...(until ? { to: new Date(until) } : {}),
    });
    res.json(
      ActivationListSchema.parse({
        activations: all
          .slice(-limit)
          .reverse()
          .map((a) => ({ ...a, activatedAt: a.activatedAt.toISOString() })),
      }),
    );
  });

  router.get('/versions', async (req: Request, res: Response) => {
    const query = versionsQuery.safeParse(req.query);
    if (!query.success) throw invalid('query', versionsQuery, req.query, query.error);
    const { limit, after } = query.data;
    // Versions another tenant's shadow stored are that tenant's (docs/rules.md "Which versions a tenant sees").
    const store = deps.store.visibleTo(requireActor(req).tenant);
    let cursor: { hash: string; createdAt: Date } | undefined;
    if (after !== undefined) {
      const version = await store.get(after);
      if (!version)
        throw new LeadflowError('not_found', `No rules version ${after} is stored; start from the first page.`);
      cursor = { hash: version.hash, createdAt: version.createdAt };
    }
    // One more than asked: whether there is a next page.
    const listed = await store.list({ limit: limit + 1, ...(cursor ? { after: cursor } : {}) });
    const page = listed.slice(0, limit);
    res.json(
      VersionListSchema.parse({
        versions: page.map((v) => ({
          ...v,
          createdAt: v.createdAt.toISOString(),
          activatedAt: v.activatedAt?.toISOString() ?? null,
        })),
        next: listed.length > limit ? page.at(-1)!.hash : null,
      }),
    );
  });

  router.get('/versions/:hash', async (req: Request, res: Response) => {
    const params = versionParams.safeParse(req.params);
    if (!params.success) throw invalid('version hash', versionParams, req.params, params.error);
    const { hash } = params.data;
    const version = await deps.store.visibleTo(requireActor(req).tenant).get(hash);
    if (!version)
      throw new LeadflowError('not_found', `No rules version ${hash} is stored; GET /api/rules shows the active one.`);
    res.json({
      hash: version.hash,
      createdAt: version.createdAt.toISOString(),
      activatedAt: version.activatedAt?.toISOString() ?? null,
      summary: version.summary ?? null,
      files: version.files,
    });
  });

  return router;
}
