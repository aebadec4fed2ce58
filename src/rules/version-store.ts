/**
 * Where ruleset versions are kept, so any past decision can be shown with the exact rule
 * text that made it. Production implements it with Prisma; tests use the in-memory one.
 */

/** One stored version: the exact texts of all files, named by their content hash. */
export interface StoredRuleVersion {
  hash: string;
  files: Record<string, string>;
  createdAt: Date;
}

export interface RuleVersionStore {
  /** Saves a version; saving a hash that is already stored must be a no-op. */
  save(version: StoredRuleVersion): Promise<void>;
  get(hash: string): Promise<StoredRuleVersion | null>;
}

/** A `RuleVersionStore` in a Map, for tests and for running without a database. */
export class InMemoryRuleVersionStore implements RuleVersionStore {
  private readonly versions = new Map<string, StoredRuleVersion>();

  save(version: StoredRuleVersion): Promise<void> {
    if (!this.versions.has(version.hash)) this.versions.set(version.hash, { ...version, files: { ...version.files } });
    return Promise.resolve();
  }

  get(hash: string): Promise<StoredRuleVersion | null> {
    return Promise.resolve(this.versions.get(hash) ?? null);
  }
}
