/**
 * Rep management: the roster routing assigns to, and what changes day to day (availability,
 * out-of-office, manager, delegate, time zone, capacity). routing.yaml says who is in which
 * pool; the `Rep` table holds the rest. A rep in the rules without a row is active with defaults.
 * Reading is open; writing needs an API token, and who may change what is decidePersonEdit's call.
 */
import { Router } from 'express';
import { z } from 'zod';
import { LANGUAGES } from '../../domain/languages';
import { text, timeZoneName } from '../../domain/fields';
import { emailAddress } from '../schemas';
import type { Db } from '../../db/client';
import { OPEN_LEAD_STAGES, isOutOfOffice, repKey } from '../../domain/routing';
import type { RuleRegistry } from '../../rules/registry';
import type { CompiledRouting } from '../../rules/ruleset';
import { APPROVER_ROLES } from '../../rules/schema/approvals';
import { requireActor } from '../../auth/actor';
import { LeadflowError } from '../../domain/errors';
import { savePerson } from '../../usecases/people';
import { invalidInput, invalidInputs, refusedAt } from '../input';
import { because } from '../zod-words';

export interface RepRoutesDeps {
  db: Db;
  defaultTenant: string;
  rules: { registry: Pick<RuleRegistry, 'active'> };
  now?: () => Date;
}

export const REP_ROLES = ['rep', ...APPROVER_ROLES, 'revops'] as const;

export const EmailSchema = emailAddress().transform(repKey);
export const TenantQuerySchema = z.object({
  tenant: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes')
    .optional(),
});
const Instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO-8601 time with a zone, e.g. "2026-03-02T09:00:00Z"' })
  .transform((iso) => new Date(iso));

/** An IANA zone such as "Europe/Berlin", stored in its canonical spelling. */
const TimeZoneSchema = timeZoneName();

/** PUT body: every field optional; an omitted field keeps its value, `null` clears it. */
export const RepUpdateSchema = z.strictObject({
  name: text(200).optional(),
  role: z.enum(REP_ROLES, { error: `must be one of: ${REP_ROLES.join(', ')}` }).optional(),
  managerEmail: EmailSchema.nullable().optional(),
  timeZone: TimeZoneSchema.optional(),
  language: z
    .enum(LANGUAGES, { error: `must be one of: ${LANGUAGES.join(', ')}` })
    .optional()
    .meta({ description: 'The language of emails to this person (en or zh-CN).' }),
  active: z.boolean({ error: 'must be true or false' }).optional(),
  outOfOffice: z
    .strictObject({ from: Instant.nullable().default(null), until: Instant.nullable().default(null) })
    .refine((w) => w.from !== null || w.until !== null, because('out-of-office-empty'))
    // Two well-formed times that disagree: a 422 (FieldError.unprocessable).
    .refine((w) => !w.from || !w.until || w.from < w.until, {
      ...because('after-from', {}, { unprocessable: true }),
      path: ['until'],
    })
    // The first refinement, in the document: at least one of the two is a time (not null, not left out).
    .meta({
      anyOf: [
        { required: ['from'], properties: { from: { type: 'string' } } },
        { required: ['until'], properties: { until: { type: 'string' } } },
      ],
    })
    .nullable()
    .optional(),
  delegateEmail: EmailSchema.nullable().optional(),
  maxOpenLeads: z.number().int('must be a whole number').min(0, 'must be 0 or more').max(100_000).nullable().optional(),
});
export type RepUpdate = z.infer<typeof RepUpdateSchema>;

type RepRow = NonNullable<Awaited<ReturnType<Db['rep']['findFirst']>>>;

/** A rep as the API shows it. */
export interface RepView {
  email: string;
  name: string;
  /** The rep's short name in routing.yaml, or null when only the API knows them. */
  routingName: string | null;
  /** Whether a `Rep` row exists (false: a rep from the rules, on defaults). */
  stored: boolean;
  role: string;
  managerEmail: string | null;
  delegateEmail: string | null;
  timeZone: string;
  language: string;
  active: boolean;
  outOfOffice: { from: string | null; until: string | null } | null;
  outOfOfficeNow: boolean;
  maxOpenLeads: number | null;
  openLeads: number;
  pools: { pool: string; weight: number; maxOpenLeads: number | null }[];
}

/** GET /api/reps, GET /api/reps/:email and PUT /api/reps/:email. */
export function repRoutes(deps: RepRoutesDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());

  router.get('/api/reps', async (req, res) => {
    const tenant = tenantOf(req.query, deps.defaultTenant);
    const routing = activeRouting(deps);
    const rows = await deps.db.rep.findMany({ where: { tenant } });
    const emails = [...Object.values(routing.reps).map((r) => repKey(r.email)), ...rows.map((r) => r.email).sort()];
    const roster = [...new Set(emails)];
    const views = await buildViews(deps.db, tenant, routing, roster, rows, now());
    res.json({ tenant, reps: views });
  });

  router.get('/api/reps/:email', async (req, res) => {
    const tenant = tenantOf(req.query, deps.defaultTenant);
    const email = EmailSchema.safeParse(req.params.email);
    if (!email.success)
      throw new LeadflowError(
        'not_found',
        `No rep ${req.params.email}: ${email.error.issues[0]?.message ?? 'not an email'}.`,
      );
    const view = await findRep(deps, tenant, email.data, now());
    if (!view)
      throw new LeadflowError(
        'not_found',
        `No rep ${email.data} in routing.yaml or in tenant ${tenant}. Create one with PUT /api/reps/${email.data}.`,
      );
    res.json(view);
  });

  router.put('/api/reps/:email', async (req, res) => {
    const actor = requireActor(req);
    const tenant = tenantOf(req.query, actor.tenant);
    const email = EmailSchema.safeParse(req.params.email);
    const body = RepUpdateSchema.safeParse(req.body ?? {});
    if (!email.success || !body.success)
      throw invalidInputs('The rep is invalid; see fields.', [
        ...refusedAt('params.email', EmailSchema, req.params.email, email.error),
        ...refusedAt(undefined, RepUpdateSchema, req.body ?? {}, body.error),
      ]);
    const routing = activeRouting(deps);
    const { created } = await savePerson(deps.db, {
      tenant,
      email: email.data,
      update: body.data,
      by: actor,
      nameFromRules: (target) => nameFromRules(routing, target),
      now: now(),
    });
    const view = await findRep(deps, tenant, email.data, now());
    res
      .status(created ? 201 : 200)
      .location(`/api/reps/${encodeURIComponent(email.data)}`)
      .json(view);
  });

  return router;
}

function tenantOf(query: unknown, defaultTenant: string): string {
  const parsed = TenantQuerySchema.safeParse(query);
  if (!parsed.success) {
    throw invalidInput('The query is invalid; see fields.', TenantQuerySchema, query, parsed.error, (fields) =>
      fields.map((f) => ({ ...f, path: `query.${f.path}` })),
    );
  }
  return parsed.data.tenant ?? defaultTenant;
}

function activeRouting(deps: RepRoutesDeps): CompiledRouting {
  try {
    return deps.rules.registry.active().routing;
  } catch (error) {
    throw new LeadflowError(
      'rules_unavailable',
      'No valid routing rules are active, so the roster is unknown; see GET /api/rules for the problems.',
      { cause: error },
    );
  }
}

async function findRep(deps: RepRoutesDeps, tenant: string, email: string, now: Date): Promise<RepView | null> {
  const routing = activeRouting(deps);
  const row = await deps.db.rep.findUnique({ where: { tenant_email: { tenant, email } } });
  const inRules = Object.values(routing.reps).some((r) => repKey(r.email) === email);
  if (!row && !inRules) return null;
  const [view] = await buildViews(deps.db, tenant, routing, [email], row ? [row] : [], now);
  return view ?? null;
}

/** Rule roster merged with the rows: pools, weights, caps and open-lead counts per rep. */
async function buildViews(
  db: Db,
  tenant: string,
  routing: CompiledRouting,
  emails: string[],
  rows: RepRow[],
  now: Date,
): Promise<RepView[]> {
  const byEmail = new Map(rows.map((row) => [row.email, row]));
  const related = await db.rep.findMany({
    where: {
      tenant,
      id: { in: rows.flatMap((r) => [r.managerId, r.delegateId]).filter((id): id is string => id !== null) },
    },
  });
  const emailOfId = new Map(related.map((r) => [r.id, r.email]));
  const open = await db.lead.groupBy({
    by: ['ownerId'],
    where: { tenant, ownerId: { in: emails }, stage: { in: [...OPEN_LEAD_STAGES] } },
    _count: { _all: true },
  });
  const openBy = new Map(open.map((g) => [g.ownerId, g._count._all]));
  const ruleRep = new Map(
    Object.entries(routing.reps).map(([name, rep]) => [repKey(rep.email), { name, fullName: rep.name }]),
  );

  return emails.map((email): RepView => {
    const row = byEmail.get(email);
    const fromRules = ruleRep.get(email);
    const maxOpenLeads = row?.maxOpenLeads ?? null;
    const outOfOffice =
      row && (row.outOfOfficeFrom || row.outOfOfficeUntil)
        ? { from: row.outOfOfficeFrom, until: row.outOfOfficeUntil }
        : null;
    return {
      email,
      name: row?.name ?? fromRules?.fullName ?? fromRules?.name ?? email,
      routingName: fromRules?.name ?? null,
      stored: row !== undefined,
      role: row?.role ?? 'rep',
      managerEmail: (row?.managerId && emailOfId.get(row.managerId)) || null,
      delegateEmail: (row?.delegateId && emailOfId.get(row.delegateId)) || null,
      timeZone: row?.timeZone ?? 'UTC',
      language: row?.language ?? 'en',
      active: row?.active ?? true,
      outOfOffice: outOfOffice && {
        from: outOfOffice.from?.toISOString() ?? null,
        until: outOfOffice.until?.toISOString() ?? null,
      },
      outOfOfficeNow: isOutOfOffice(outOfOffice, now),
      maxOpenLeads,
      openLeads: openBy.get(email) ?? 0,
      pools: Object.values(routing.pools).flatMap((pool) =>
        pool.members
          .filter((m) => repKey(m.email) === email)
          .map((m) => ({ pool: pool.name, weight: m.weight, maxOpenLeads: maxOpenLeads ?? pool.maxOpenLeads })),
      ),
    };
  });
}

/** The name routing.yaml gives a rep's email (their full name, else their short name). */
function nameFromRules(routing: CompiledRouting, email: string): string | undefined {
  const entry = Object.entries(routing.reps).find(([, rep]) => repKey(rep.email) === email);
  return entry && (entry[1].name ?? entry[0]);
}
