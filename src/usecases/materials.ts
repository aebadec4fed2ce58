/**
 * The sales-materials library: decks, case studies, datasheets… Each publish of a key is a new
 * version; reps see the latest version of each key. Sending a material to a deal records that
 * exact version on the deal (and on its timeline), so "what did they get?" has one answer.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor';
import type { Db, Prisma } from '../db/client';
import { auditDeal, findDeal, findWritableDeal } from './deal-access';
import { appendActivity } from './deal-timeline';
import { recordAudit } from '../db/audit-trail';
import { LeadflowError } from '../domain/errors';
import { isUniqueViolation } from '../db/unique-violation';

export const MATERIAL_TYPES = ['deck', 'case-study', 'datasheet', 'video', 'whitepaper', 'contract', 'other'] as const;
export type MaterialType = (typeof MATERIAL_TYPES)[number];

/** Concurrent publishes of one key race for the next version number; the loser retries this often. */
const PUBLISH_ATTEMPTS = 10;

type MaterialRow = NonNullable<Awaited<ReturnType<Db['material']['findFirst']>>>;

export interface MaterialView {
  id: string;
  key: string;
  version: number;
  title: string;
  type: string;
  url: string;
  tags: string[];
  createdBy: string | null;
  createdAt: string;
}

export interface MaterialInput {
  key: string;
  title: string;
  type: MaterialType;
  url: string;
  tags: string[];
}

export interface MaterialFilter {
  tag?: string;
  type?: MaterialType;
  /** Case-insensitive text in the key, title or tags. */
  q?: string;
}

export interface MaterialShareView {
  id: string;
  dealId: string;
  /** The exact version sent. */
  material: MaterialView;
  /** The key's latest version now: higher than `material.version` when a newer one was published since. */
  latestVersion: number;
  contactId: string | null;
  sharedBy: string | null;
  sharedAt: string;
}

/** Name the material by `materialId` (that exact version) or `materialKey` (its latest version now). */
export interface ShareInput {
  materialKey?: string;
  materialId?: string;
  contactId?: string | null;
  idempotencyKey?: string;
}

/** Publishes the next version of `input.key` (1 for a new key). */
export async function publishMaterial(db: Db, actor: Actor, input: MaterialInput, now: Date): Promise<MaterialView> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.$transaction(async (tx) => {
        const latest = await tx.material.findFirst({
          where: { tenant: actor.tenant, key: input.key },
          orderBy: { version: 'desc' },
          select: { version: true },
        });
        const row = await tx.material.create({
          data: {
            id: `mat_${randomUUID().replaceAll('-', '')}`,
            tenant: actor.tenant,
            key: input.key,
            version: (latest?.version ?? 0) + 1,
            title: input.title,
            type: input.type,
            url: input.url,
            tags: input.tags,
            createdBy: actor.email,
            createdAt: now,
          },
        });
        await recordAudit(tx, {
          tenant: actor.tenant,
          subjectType: 'material',
          subjectId: row.id,
          action: 'material.published',
          actor: actor.email,
          occurredAt: now,
          details: { key: row.key, version: row.version, title: row.title },
        });
        return toMaterialView(row);
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (attempt >= PUBLISH_ATTEMPTS) {
        throw new LeadflowError(
          'conflict',
          `Other versions of "${input.key}" were being published at the same moment; publish again.`,
          { cause: error },
        );
      }
    }
  }
}

/** The latest version of every key, filtered on that version's type, tags and text; by key. */
export async function listLatestMaterials(db: Db, actor: Actor, filter: MaterialFilter): Promise<MaterialView[]> {
  const rows = await db.material.findMany({
    where: { tenant: actor.tenant },
    orderBy: [{ key: 'asc' }, { version: 'desc' }],
  });
  const latest = rows.filter((row, i) => i === 0 || rows[i - 1]?.key !== row.key).map(toMaterialView);
  const q = filter.q?.toLowerCase();
  return latest.filter(
    (m) =>
      (filter.type === undefined || m.type === filter.type) &&
      (filter.tag === undefined || m.tags.includes(filter.tag)) &&
      (q === undefined || [m.key, m.title, ...m.tags].some((text) => text.toLowerCase().includes(q))),
  );
}

/** Every version of a key, newest first; 404 for an unknown key. */
export async function listMaterialVersions(db: Db, actor: Actor, key: string): Promise<MaterialView[]> {
  const rows = await db.material.findMany({ where: { tenant: actor.tenant, key }, orderBy: { version: 'desc' } });
  if (rows.length === 0) throw new LeadflowError('not_found', `No material "${key}" in tenant ${actor.tenant}.`);
  return rows.map(toMaterialView);
}

/**
 * Records that a material went to a deal: the version named by id, or the key's latest version
 * now. Adds a `material` entry to the deal's timeline. The same idempotency key records once.
 */
export async function shareMaterial(
  db: Db,
  actor: Actor,
  dealId: string,
  input: ShareInput,
  now: Date,
): Promise<{ share: MaterialShareView; created: boolean }> {
  const deal = await findWritableDeal(db, actor, dealId);
  const activityKey =
    input.idempotencyKey === undefined ? `material:${randomUUID()}` : `material:${deal.id}:${input.idempotencyKey}`;
  const earlier = await findShareByActivity(db, activityKey);
  if (earlier) return { share: await toShareView(db, earlier), created: false };

  const material = await resolveMaterial(db, actor.tenant, input);
  const contactId = input.contactId ?? null;
  if (
    contactId !== null &&
    !(await db.contact.findFirst({ where: { id: contactId, accountId: deal.accountId }, select: { id: true } }))
  ) {
    throw new LeadflowError('unprocessable', 'The material share is invalid; see fields.', {
      details: [{ path: 'contactId', message: `no stakeholder ${contactId} at the account of deal ${deal.id}` }],
    });
  }
  try {
    const share = await db.$transaction(async (tx) => {
      const row = await tx.materialShare.create({
        data: {
          id: `msh_${randomUUID().replaceAll('-', '')}`,
          dealId: deal.id,
          materialId: material.id,
          contactId,
          sharedBy: actor.email,
          sharedAt: now,
        },
        include: { material: true },
      });
      await appendActivity(tx, {
        dealId: deal.id,
        kind: 'material',
        summary: `Sent "${material.title}" (${material.key} v${material.version})`,
        actor: actor.email,
        occurredAt: now,
        details: { shareId: row.id, materialId: material.id, key: material.key, version: material.version, contactId },
        idempotencyKey: activityKey,
      });
      await auditDeal(tx, actor, deal, 'deal.material-sent', now, {
        shareId: row.id,
        materialId: material.id,
        key: material.key,
        version: material.version,
        contactId,
      });
      return row;
    });
    return { share: await toShareView(db, share), created: true };
  } catch (error) {
    const raced = isUniqueViolation(error) ? await findShareByActivity(db, activityKey) : null;
    if (raced) return { share: await toShareView(db, raced), created: false };
    throw error;
  }
}

/** The materials sent to a deal, newest first. */
export async function listDealMaterials(db: Db, actor: Actor, dealId: string): Promise<MaterialShareView[]> {
  const deal = await findDeal(db, actor.tenant, dealId);
  const shares = await db.materialShare.findMany({
    where: { dealId: deal.id },
    include: { material: true },
    orderBy: [{ sharedAt: 'desc' }, { id: 'desc' }],
  });
  const latest = await latestVersions(db, actor.tenant, [...new Set(shares.map((s) => s.material.key))]);
  return shares.map((share) => shareView(share, latest.get(share.material.key) ?? share.material.version));
}

type ShareRow = Prisma.MaterialShareGetPayload<{ include: { material: true } }>;

async function resolveMaterial(db: Db, tenant: string, input: ShareInput): Promise<MaterialRow> {
  if (input.materialId !== undefined) {
    const material = await db.material.findFirst({ where: { id: input.materialId, tenant } });
    if (!material)
      throw new LeadflowError('unprocessable', 'The material share is invalid; see fields.', {
        details: [{ path: 'materialId', message: `no material ${input.materialId}` }],
      });
    return material;
  }
  if (input.materialKey === undefined)
    throw new LeadflowError('unprocessable', 'The material share is invalid; see fields.', {
      details: [
        { path: 'materialKey', message: 'give materialKey (its latest version) or materialId (an exact version)' },
      ],
    });
  const material = await db.material.findFirst({
    where: { tenant, key: input.materialKey },
    orderBy: { version: 'desc' },
  });
  if (!material)
    throw new LeadflowError('unprocessable', 'The material share is invalid; see fields.', {
      details: [
        {
          path: 'materialKey',
          message: `no material "${input.materialKey}"; publish it first with POST /api/materials`,
        },
      ],
    });
  return material;
}

async function findShareByActivity(db: Db, activityKey: string): Promise<ShareRow | null> {
  const activity = await db.dealActivity.findUnique({
    where: { idempotencyKey: activityKey },
    select: { payload: true },
  });
  const shareId = (activity?.payload as { shareId?: unknown } | undefined)?.shareId;
  if (typeof shareId !== 'string') return null;
  return db.materialShare.findUnique({ where: { id: shareId }, include: { material: true } });
}

async function latestVersions(db: Db, tenant: string, keys: string[]): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const groups = await db.material.groupBy({
    by: ['key'],
    where: { tenant, key: { in: keys } },
    _max: { version: true },
  });
  return new Map(groups.map((g) => [g.key, g._max.version ?? 0]));
}

async function toShareView(db: Db, share: ShareRow): Promise<MaterialShareView> {
  const latest = await latestVersions(db, share.material.tenant, [share.material.key]);
  return shareView(share, latest.get(share.material.key) ?? share.material.version);
}

function shareView(share: ShareRow, latestVersion: number): MaterialShareView {
  return {
    id: share.id,
    dealId: share.dealId,
    material: toMaterialView(share.material),
    latestVersion,
    contactId: share.contactId,
    sharedBy: share.sharedBy,
    sharedAt: share.sharedAt.toISOString(),
  };
}

function toMaterialView(row: MaterialRow): MaterialView {
  const tags = Array.isArray(row.tags) ? row.tags.filter((t): t is string => typeof t === 'string') : [];
  return {
    id: row.id,
    key: row.key,
    version: row.version,
    title: row.title,
    type: row.type,
    url: row.url,
    tags,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}
