/**
 * Where ruleset versions are kept, so any past decision can be shown with the exact rule
 * text that made it, and so a restart with broken rule files can keep running the version
 * that was active before. Production implements it with Prisma; tests use the in-memory one.
 */

/** One stored version: the exact texts of all files, named by their content hash. */
export interface StoredRuleVersion {
  hash: string;
  files: Record<string, string>;
  createdAt: Date;
  /** What changed when this version was first stored, one change per line (e.g. `scoring.yaml: MQL threshold 80 → 75`). */
  summary?: string | null;
  /** When this version last became the active one; null if it never did. */
  activatedAt?: Date | null;
}

export interface RuleVersionStore {
  /** Saves a version; saving a hash that is already stored must be a no-op. */
  save(version: StoredRuleVersion): Promise<void>;
  get(hash: string): Promise<StoredRuleVersion | null>;
  /** Records that the stored version `hash` became the active one at `at` (again, if it was active before). */
  markActivated(hash: string, at: Date): Promise<void>;
  /** The most recently activated version, which a restart falls back to when the rule files are invalid. */
  latest(): Promise<StoredRuleVersion | null>;
}

/** A `RuleVersionStore` in a Map, for tests and for running without a database. */
export class InMemoryRuleVersionStore implements RuleVersionStore {
  private readonly versions = new Map<string, StoredRuleVersion>();
  /** Hashes in activation order, last activated last: breaks ties between equal timestamps. */
  private activations: string[] = [];

  save(version: StoredRuleVersion): Promise<void> {
    if (!this.versions.has(version.hash)) {
      this.versions.set(version.hash, { ...version, files: { ...version.files }, activatedAt: version.activatedAt ?? null });
      if (version.activatedAt) this.activations.push(version.hash);
    }
    return Promise.resolve();
  }

  get(hash: string): Promise<StoredRuleVersion | null> {
    const version = this.versions.get(hash);
    return Promise.resolve(version ? { ...version, files: { ...version.files } } : null);
  }

  markActivated(hash: string, at: Date): Promise<void> {
    const version = this.versions.get(hash);
    if (!version) return Promise.reject(new Error(`rules version ${hash} is not stored, so it cannot be marked active`));
    version.activatedAt = at;
    this.activations = [...this.activations.filter((h) => h !== hash), hash];
    return Promise.resolve();
  }

  latest(): Promise<StoredRuleVersion | null> {
    let latest: StoredRuleVersion | undefined;
    for (const hash of this.activations) {
      const version = this.versions.get(hash)!;
      if (!latest || version.activatedAt!.getTime() >= latest.activatedAt!.getTime()) latest = version;
    }
    return latest ? this.get(latest.hash) : Promise.resolve(null);
  }
}
