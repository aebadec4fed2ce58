import { z } from 'zod';
import type {
  ActivationNote,
  RuleActivation,
  RuleVersionListing,
  RuleVersionStore,
  StoredRuleVersion,
} from '../rules/version-store';
import { recordAudit } from './audit-trail';
import { providerOf, type Db, type Prisma } from './client';
import { LOCK_CLASS, lockInTransaction } from './database-lock';
import { isUniqueViolation } from './unique-violation';

/** The end reason of a shadow whose own version was activated. */
export const SHADOW_WENT_LIVE = 'its version went live';

/** The `files` column: file name → exact text. */
const storedFiles = z.record(z.string(), z.string());

type RuleVersionRow = {
  hash: string;
  files: unknown;
  summary: string | null;
  createdAt: Date;
  activatedAt: Date | null;
};

/**
 * Keeps every activated ruleset version in the database, named by its content hash, so a
 * decision's `rulesetVersion` always resolves to the exact text that made it, and a restart
 * with broken rule files can fall back to the most recently activated version.
 */
export class PrismaRuleVersionStore implements RuleVersionStore {
  /** `viewer`: the tenant whose view this is (see `visibleTo`); absent, the whole store. */
  constructor(
    private readonly db: Db,
    private readonly viewer?: string,
  ) {}

  visibleTo(tenant: string): RuleVersionStore {
    return new PrismaRuleVersionStore(this.db, tenant);
  }

  /**
   * What the viewer may see: a version is hidden from it when it was never active, some other
   * tenant's shadow stored it, and none of the viewer's own shadows or backtests ran it. Shadows
   * are started by hand, so the hidden set stays small enough for a `notIn`.
   */
  private async visible(): Promise<Prisma.RuleVersionWhereInput> {
    const tenant = this.viewer;
    if (tenant === undefined) return {};
    const [others, own, backtested] = await Promise.all([
      this.db.ruleShadow.findMany({
        where: { tenant: { not: tenant } },
        select: { versionHash: true },
        distinct: ['versionHash'],
      }),
      this.db.ruleShadow.findMany({ where: { tenant }, select: { versionHash: true }, distinct: ['versionHash'] }),
      this.db.backtestJob.findMany({
        where: { tenant },
        select: { candidateVersion: true },
        distinct: ['candidateVersion'],
      }),
    ]);
    const ran = new Set([...own.map((s) => s.versionHash), ...backtested.map((b) => b.candidateVersion)]);
    const hidden = others.map((s) => s.versionHash).filter((hash) => !ran.has(hash));
    return hidden.length === 0 ? {} : { OR: [{ activatedAt: { not: null } }, { hash: { notIn: hidden } }] };
  }

  async save(version: StoredRuleVersion): Promise<void> {
    try {
      await this.db.ruleVersion.create({
        data: {
          hash: version.hash,
          files: version.files,
          summary: version.summary ?? null,
          createdAt: version.createdAt,
          activatedAt: version.activatedAt ?? null,
        },
      });
    } catch (error) {
      // Saving a hash that is already stored is a no-op (another process may have stored it first).
      if (!isUniqueViolation(error)) throw error;
    }
  }

  async list(page: { limit: number; after?: { hash: string; createdAt: Date } }): Promise<RuleVersionListing[]> {
    const after = page.after;
    const rows = await this.db.ruleVersion.findMany({
      where: {
        AND: [
          after
            ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, hash: { lt: after.hash } }] }
            : {},
          await this.visible(),
        ],
      },
      orderBy: [{ createdAt: 'desc' }, { hash: 'desc' }],
      take: page.limit,
    });
    return rows.map((row) => {
      const stored = toStored(row);
      return {
        hash: stored.hash,
        createdAt: stored.createdAt,
        activatedAt: stored.activatedAt ?? null,
        summary: stored.summary ?? null,
        files: Object.keys(stored.files).sort(),
      };
    });
  }

  async get(hash: string): Promise<StoredRuleVersion | null> {
    const row = await this.db.ruleVersion.findFirst({ where: { AND: [{ hash }, await this.visible()] } });
    return row ? toStored(row) : null;
  }

  /**
   * Records `hash` as activated unless it is the last activation already. Every process watching
   * the rules folder records the same edit at about the same moment (and every process starting on
   * a fresh database the first version), so the check and the insert run under a lock: one
   * activation is recorded, not one per process.
   */
  async markActivated(hash: string, at: Date, change: ActivationNote = {}): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await lockInTransaction(tx, providerOf(this.db), {
        lockClass: LOCK_CLASS.rules,
        keys: ['activations'],
        sqliteTable: { table: 'RuleActivation', column: 'id' },
      });
      const last = await tx.ruleActivation.findFirst({ orderBy: [{ activatedAt: 'desc' }, { id: 'desc' }] });
      if (last?.hash === hash) return;
      await tx.ruleVersion.update({ where: { hash }, data: { activatedAt: at } });
      await tx.ruleActivation.create({
        data: {
          hash,
          previous: last?.hash ?? null,
          activatedAt: at,
          summary: change.summary ?? null,
          actor: change.actor ?? null,
          reason: change.reason ?? null,
        },
      });
      // A running shadow of the version that just went live has nothing left to compare: it ends.
      const shadows = await tx.ruleShadow.findMany({ where: { versionHash: hash, endedAt: null } });
      for (const shadow of shadows) {
        const ended = await tx.ruleShadow.update({
          where: { id: shadow.id },
          data: { activeKey: null, endedAt: at, endedBy: 'system', endReason: SHADOW_WENT_LIVE },
        });
        await recordAudit(tx, {
          tenant: ended.tenant,
          subjectType: 'rules',
          subjectId: ended.versionHash,
          action: 'rules.shadow.ended',
          actor: 'system',
          reason: SHADOW_WENT_LIVE,
          details: { shadowId: ended.id, startedAt: ended.startedAt.toISOString() },
          occurredAt: at,
          idempotencyKey: `rules.shadow.ended:${ended.id}`,
        });
      }
    });
  }

  async findByPrefix(prefix: string, limit = 2): Promise<string[]> {
    const rows = await this.db.ruleVersion.findMany({
      where: { AND: [{ hash: { startsWith: prefix } }, await this.visible()] },
      select: { hash: true },
      orderBy: { hash: 'asc' },
      take: limit,
    });
    return rows.map((row) => row.hash);
  }

  async activations(range: { from?: Date; to?: Date } = {}): Promise<RuleActivation[]> {
    const rows = await this.db.ruleActivation.findMany({
      where: { activatedAt: { ...(range.from ? { gte: range.from } : {}), ...(range.to ? { lt: range.to } : {}) } },
      orderBy: [{ activatedAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toActivation);
  }

  async activationAt(at: Date): Promise<RuleActivation | null> {
    const row = await this.db.ruleActivation.findFirst({
      where: { activatedAt: { lte: at } },
      orderBy: [{ activatedAt: 'desc' }, { id: 'desc' }],
    });
    return row ? toActivation(row) : null;
  }

  async latest(): Promise<StoredRuleVersion | null> {
    const row = await this.db.ruleVersion.findFirst({
      where: { activatedAt: { not: null } },
      orderBy: [{ activatedAt: 'desc' }, { createdAt: 'desc' }],
    });
    return row ? toStored(row) : null;
  }
}

const toActivation = (row: RuleActivation & { id: number }): RuleActivation => ({
  hash: row.hash,
  previous: row.previous,
  activatedAt: row.activatedAt,
  summary: row.summary,
  actor: row.actor,
  reason: row.reason,
});

function toStored(row: RuleVersionRow): StoredRuleVersion {
  const files = storedFiles.safeParse(row.files);
  if (!files.success)
    throw new Error(`stored rules version ${row.hash} is corrupt: its files column is not a map of file name to text`);
  return {
    hash: row.hash,
    files: files.data,
    summary: row.summary,
    createdAt: row.createdAt,
    activatedAt: row.activatedAt,
  };
}
