import type { RuleVersionStore, StoredRuleVersion } from '../rules/version-store';
import type { Db } from './client';

/**
 * Keeps every activated ruleset version in the database, named by its content hash, so a
 * decision's `rulesetVersion` always resolves to the exact text that made it.
 */
export class PrismaRuleVersionStore implements RuleVersionStore {
  constructor(private readonly db: Db) {}

  async save(version: StoredRuleVersion): Promise<void> {
    try {
      await this.db.ruleVersion.create({
        data: { hash: version.hash, files: version.files, createdAt: version.createdAt, activatedAt: version.createdAt },
      });
    } catch (error) {
      // Saving a hash that is already stored is a no-op (another process may have stored it first).
      if ((error as { code?: string }).code !== 'P2002') throw error;
    }
  }

  async get(hash: string): Promise<StoredRuleVersion | null> {
    const row = await this.db.ruleVersion.findUnique({ where: { hash } });
    return row ? { hash: row.hash, files: row.files as Record<string, string>, createdAt: row.createdAt } : null;
  }
}
