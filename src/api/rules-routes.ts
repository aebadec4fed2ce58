/**
 * HTTP endpoints for the rules: what is active (and whether the last change was
 * rejected), validation of a file's text for editor integration, and the exact text of
 * any stored version. Thin: parse, call the rules module, map to a status.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { RuleRegistry } from '../rules/registry';
import { formatDiagnostic, kindOfFileName, RULE_KINDS } from '../rules/types';
import { validateRuleFile } from '../rules/validate-file';
import type { RuleVersionStore } from '../rules/version-store';

export interface RulesRoutesDeps {
  registry: Pick<RuleRegistry, 'status' | 'active'>;
  store: RuleVersionStore;
}

const validateBody = z
  .strictObject({
    text: z.string().max(512 * 1024, 'a rule file must be under 512 kB'),
    fileName: z.string().min(1).max(200).optional(),
    kind: z.enum(RULE_KINDS).optional(),
  })
  .refine((body) => body.kind !== undefined || (body.fileName !== undefined && kindOfFileName(body.fileName) !== undefined), {
    message: `give "kind" (${RULE_KINDS.join(', ')}) or a "fileName" such as "routing.yaml"`,
    path: ['kind'],
  });

const hashParam = z.string().regex(/^[0-9a-f]{8,64}$/, 'a version hash is hexadecimal, e.g. "3f9a0c1d2e4b5a6c"');

function fields(error: z.ZodError) {
  return error.issues.map((issue) => ({ path: issue.path.length > 0 ? issue.path.join('.') : '(body)', message: issue.message }));
}

function badRequest(res: Response, error: z.ZodError): void {
  res.status(400).json({ error: { code: 'validation_failed', message: 'The request is invalid; see fields.', fields: fields(error) } });
}

/** Routes to mount under `/api/rules`. */
export function rulesRoutes(deps: RulesRoutesDeps): Router {
  const router = Router();

  router.get('/', (_req: Request, res: Response) => {
    res.json(deps.registry.status());
  });

  router.post('/validate', (req: Request, res: Response) => {
    const body = validateBody.safeParse(req.body);
    if (!body.success) return badRequest(res, body.error);
    const { text, fileName } = body.data;
    const kind = body.data.kind ?? kindOfFileName(fileName ?? '')!;
    const name = fileName ?? `${kind}.yaml`;
    let routing;
    try {
      routing = kind === 'escalation' ? deps.registry.active().routing : undefined;
    } catch {
      routing = undefined;
    }
    // Cross-file references (escalation → routing queues) are checked against the active routing file when there is one.
    const result = validateRuleFile(kind, name, text, routing ? { routing: { queues: routing.queues, pools: Object.keys(routing.pools) } } : {});
    res.json({ valid: result.ok, kind, diagnostics: result.diagnostics, messages: result.diagnostics.map(formatDiagnostic) });
  });

  router.get('/versions/:hash', async (req: Request, res: Response) => {
    const hash = hashParam.safeParse(req.params.hash);
    if (!hash.success) return badRequest(res, hash.error);
    const version = await deps.store.get(hash.data);
    if (!version) {
      res.status(404).json({ error: { code: 'not_found', message: `no rules version ${hash.data} is stored` } });
      return;
    }
    res.json({ hash: version.hash, createdAt: version.createdAt.toISOString(), files: version.files });
  });

  return router;
}
