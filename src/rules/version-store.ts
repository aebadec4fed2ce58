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

/** A stored version as a list shows it: its file names, not their texts. */
export interface RuleVersionListing {
  hash: string;
  createdAt: Date;
  activatedAt: Date | null;
  summary: string | null;
  files: string[];
}

/** One change of the active version, in the activation history. */
export interface RuleActivation {
  hash: string;
  /** The version active before, or null for the first. */
  previous: string | null;
  activatedAt: Date;
  /** What changed, one change per line. */
  summary: string | null;
  /** Who activated a stored version by hand (an email, or `cli:<user>`); null for a hot reload of the folder. */
  actor: string | null;
  /** Why, as they said it; null for a hot reload. */
  reason: string | null;
}

/** What an activation records besides the hash: what changed, and for one made by hand, who and why. */
export interface ActivationNote {
  summary?: string | null;
  actor?: string | null;
  reason?: string | null;
}

export interface RuleVersionStore {
  /** Saves a version; saving a hash that is already stored must be a no-op. */
  save(version: StoredRuleVersion): Promise<void>;
  get(hash: string): Promise<StoredRuleVersion | null>;
  /**
   * Records that the stored version `hash` became the active one at `at` (again, if it was active
   * before), and adds it to the activation history, unless it is the latest activation already (a
   * restart going on with the same version is not a change).
   */
  markActivated(hash: string, at: Date, change?: ActivationNote): Promise<void>;
  /** The stored hashes that start with `prefix` (at most `limit`, default 2: enough to tell "unique" from "ambiguous"). */
  findByPrefix(prefix: string, limit?: number): Promise<string[]>;
  /** The activation history in time order, oldest first, within `[from, to)` when given. */
  activations(range?: { from?: Date; to?: Date }): Promise<RuleActivation[]>;
  /** The activation in force at `at`: the last one before or at it, or null before the first. */
  activationAt(at: Date): Promise<RuleActivation | null>;
  /** The most recently activated version, which a restart falls back to when the rule files are invalid. */
  latest(): Promise<StoredRuleVersion | null>;
  /**
   * Stored versions, newest first (by when they were stored, then hash), at most `limit`; with
   * `after`, those that come after that version in this order (the next page).
   */
  list(page: { limit: number; after?: { hash: string; createdAt: Date } }): Promise<RuleVersionListing[]>;
  /**
   * The store as a tenant sees it (`get`, `findByPrefix`, `list`): a version stored only because
   * another tenant shadowed it is left out, unless it was ever active or this tenant shadowed or
   * backtested it too (docs/rules.md "Which versions a tenant sees"). The rest is the whole store.
   */
  visibleTo(tenant: string): RuleVersionStore;
}

/** Newest first: by when stored, then by hash; the order of `list` and its pages. */
export function listedBefore(a: { hash: string; createdAt: Date }, b: { hash: string; createdAt: Date }): boolean {
  const at = a.createdAt.getTime() - b.createdAt.getTime();
  return at !== 0 ? at > 0 : a.hash > b.hash;
}

/** A `RuleVersionStore` in a Map, for tests and for running without a database. */
export class InMemoryRuleVersionStore implements RuleVersionStore {
  private readonly versions = new Map<string, StoredRuleVersion>();
  /** Hashes in activation order, last activated last: breaks ties between equal timestamps. */
  private order: string[] = [];
  private readonly history: RuleActivation[] = [];

  save(version: StoredRuleVersion): Promise<void> {
    if (!this.versions.has(version.hash)) {
      this.versions.set(version.hash, { ...version, files: { ...version.files }, activatedAt: version.activatedAt ?? null });
      if (version.activatedAt) this.order.push(version.hash);
    }
    return Promise.resolve();
  }

  get(hash: string): Promise<StoredRuleVersion | null> {
    const version = this.versions.get(hash);
    return Promise.resolve(version ? { ...version, files: { ...version.files } } : null);
  }

  markActivated(hash: string, at: Date, change: ActivationNote = {}): Promise<void> {
    const version = this.versions.get(hash);
    if (!version) return Promise.reject(new Error(`rules version ${hash} is not stored, so it cannot be marked active`));
    const last = this.history.at(-1);
    if (last?.hash === hash) return Promise.resolve();
    version.activatedAt = at;
    this.order = [...this.order.filter((h) => h !== hash), hash];
    this.history.push({
      hash,
      previous: last?.hash ?? null,
      activatedAt: at,
      summary: change.summary ?? null,
      actor: change.actor ?? null,
      reason: change.reason ?? null,
    });
    return Promise.resolve();
  }

  findByPrefix(prefix: string, limit = 2): Promise<string[]> {
    return Promise.resolve([...this.versions.keys()].filter((h) => h.startsWith(prefix)).sort().slice(0, limit));
  }

  activations(range: { from?: Date; to?: Date } = {}): Promise<RuleActivation[]> {
    return Promise.resolve(
      this.history
        .filter((a) => (!range.from || a.activatedAt >= range.from) && (!range.to || a.activatedAt < range.to))
        .map((a) => ({ ...a })),
    );
  }

  activationAt(at: Date): Promise<RuleActivation | null> {
    const found = this.history.filter((a) => a.activatedAt <= at).at(-1);
    return Promise.resolve(found ? { ...found } : null);
  }

  list(page: { limit: number; after?: { hash: string; createdAt: Date } }): Promise<RuleVersionListing[]> {
    const after = page.after;
    return Promise.resolve(
      [...this.versions.values()]
        .filter((v) => !after || listedBefore(after, v))
        .sort((a, b) => (listedBefore(a, b) ? -1 : 1))
        .slice(0, page.limit)
        .map((v) => ({
          hash: v.hash,
          createdAt: v.createdAt,
          activatedAt: v.activatedAt ?? null,
          summary: v.summary ?? null,
          files: Object.keys(v.files).sort(),
        })),
    );
  }

  /** It keeps no shadows: every tenant sees every version. */
  visibleTo(): RuleVersionStore {
    return this;
  }

  latest(): Promise<StoredRuleVersion | null> {
    let latest: StoredRuleVersion | undefined;
    for (const hash of this.order) {
      const version = this.versions.get(hash)!;
      if (!latest || version.activatedAt!.getTime() >= latest.activatedAt!.getTime()) latest = version;
    }
    return latest ? this.get(latest.hash) : Promise.resolve(null);
  }
}
