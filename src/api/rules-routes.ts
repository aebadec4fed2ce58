/**
 * HTTP endpoints for the rules: what is active (and whether the last change was
 * rejected), validation of a file's text for editor integration, and the exact text of
 * any stored version. Thin: parse, call the rules module, and leave errors to the app's one
 * error handler (src/api/errors.ts), which turns them into statuses.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { RuleRegistry } from '../rules/registry';
import { LeadflowError } from '../domain/errors';
import { fieldErrors } from './errors';
import { formatDiagnostic, kindOfFileName, RULE_KINDS } from '../rules/types';
import { validateRuleFile } from '../rules/validate-file';
import type { RuleVersionStore } from '../rules/version-store';

export interface RulesRoutesDeps {
  registry: Pick<RuleRegistry, 'status' | 'active'>;
  store: RuleVersionStore;
}

export const validateBody = z
  .strictObject({
    // 128 k characters stays under the API's 256 kB body limit even as JSON (the largest shipped file is 8 kB).
    text: z.string().max(128 * 1024, 'a rule file must be under 128 k characters'),
    fileName: z.string().min(1).max(200).optional(),
    kind: z.enum(RULE_KINDS).optional(),
  })
  .refine(
    (body) => body.kind !== undefined || (body.fileName !== undefined && kindOfFileName(body.fileName) !== undefined),
    {
      message: `give "kind" (${RULE_KINDS.join(', ')}) or a "fileName" such as "routing.yaml"`,
      path: ['kind'],
    },
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

function invalid(what: string, error: z.ZodError): LeadflowError {
  return new LeadflowError('validation_failed', `The ${what} is invalid; see fields.`, { details: fieldErrors(error) });
}

/** Routes to mount under `/api/rules`. */
export function rulesRoutes(deps: RulesRoutesDeps): Router {
  const router = Router();

  router.get('/', (_req: Request, res: Response) => {
    res.json(deps.registry.status());
  });

  router.post('/validate', (req: Request, res: Response) => {
    const body = validateBody.safeParse(req.body ?? undefined);
    if (!body.success) throw invalid('validation request', body.error);
    const { text, fileName } = body.data;
    const kind = body.data.kind ?? kindOfFileName(fileName ?? '')!;
    const name = fileName ?? `${kind}.yaml`;
    let active;
    try {
      active = deps.registry.active();
    } catch {
      active = undefined;
    }
    // Cross-file references (escalation → routing queues, approvals → cadences) are checked against the active files when there are some.
    const routing = kind === 'escalation' ? active?.routing : undefined;
    const cadences = kind === 'approvals' && active ? Object.keys(active.cadences.cadences) : undefined;
    const result = validateRuleFile(kind, name, text, {
      ...(routing ? { routing: { queues: routing.queues, pools: Object.keys(routing.pools) } } : {}),
      ...(cadences ? { cadences } : {}),
    });
    res.json({
      valid: result.ok,
      kind,
      diagnostics: result.diagnostics,
      messages: result.diagnostics.map(formatDiagnostic),
    });
  });

  router.get('/versions/:hash', async (req: Request, res: Response) => {
    const params = versionParams.safeParse(req.params);
    if (!params.success) throw invalid('version hash', params.error);
    const { hash } = params.data;
    const version = await deps.store.get(hash);
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
