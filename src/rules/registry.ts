/**
 * The Node-side holder of the active ruleset. It loads the rules directory, watches it,
 * and on every valid change activates the new version (stored first, so decisions made
 * under it can always be traced to its text) and logs what changed. An invalid change is
 * rejected: the previous version keeps running and the diagnostics are kept for
 * `status()` (the API, `/health`) and logged. "Previous" survives restarts: when the files
 * are invalid and nothing is active yet (a restart after a bad edit), the registry runs the
 * most recently activated version from the store.
 */
import { checkStoredVersion, findStoredVersion, writeRulesFolder } from './activate-version';
import { summariseChange, type ChangeSummary } from './change-summary';
import { loadRulesetFromTexts } from './load';
import { loadRulesetFromDir } from './load-dir';
import type { Ruleset } from './ruleset';
import { formatDiagnostic, RULE_KINDS, type Diagnostic } from './types';
import type { ActivationNote, RuleVersionStore, StoredRuleVersion } from './version-store';
import { watchRulesDir, type RulesWatcher } from './watch';

/** The subset of a pino logger the registry uses. */
export interface RuleLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RuleRegistryOptions {
  dir: string;
  store: RuleVersionStore;
  logger: RuleLogger;
  /** Quiet time after the last file change before reloading (default 300 ms). */
  debounceMs?: number;
  /** Watch the directory for changes (default true). */
  watch?: boolean;
  /** Clock for `loadedAt` / `lastRejected.at` (default: the system clock). */
  now?: () => Date;
}

export interface RegistryStatus {
  /** ok: active and current; degraded: active, but the latest change was rejected; error: nothing active. */
  state: 'ok' | 'degraded' | 'error';
  activeVersion: string | null;
  /** files: loaded from the rules directory; store: restored from the version store because the files are invalid. */
  activeFrom: 'files' | 'store' | null;
  pinned: boolean;
  loadedAt: string | null;
  dir: string;
  files: { name: string; kind: string; hash: string; pinned: boolean }[];
  lastRejected?: { at: string; diagnostics: Diagnostic[]; messages: string[] };
}

export type ReloadResult =
  | { outcome: 'activated'; version: string; summary: ChangeSummary }
  | { outcome: 'unchanged'; version: string }
  /** `activeVersion`: the version that keeps running (restored from the store if nothing was active), or null. */
  | { outcome: 'rejected'; diagnostics: Diagnostic[]; activeVersion: string | null };

/** The result of activating a stored version by hand (`activateStored`). */
export type StoredActivationResult =
  | { outcome: 'activated'; version: string; previous: string | null; summary: ChangeSummary }
  /** It was the live version already; the folder was rewritten with its files in case it had drifted. */
  | { outcome: 'unchanged'; version: string }
  | { outcome: 'not-found' | 'ambiguous'; message: string }
  /** Its files do not load, or their own tests fail, today: nothing changed. */
  | { outcome: 'rejected'; version: string; diagnostics: Diagnostic[] }
  /** The rules folder could not be written (permissions, disk): nothing changed, or only some files did. */
  | { outcome: 'unwritable'; version: string; message: string };

/** Who activates a stored version, and why (both recorded in the activation history). */
export interface ActivatedBy {
  actor: string;
  reason: string;
}

type Activation = ActivationNote & { activatedAt: Date };

export class NoActiveRulesetError extends Error {
  constructor(readonly dir: string, readonly diagnostics: readonly Diagnostic[]) {
    super(`no valid ruleset is loaded from ${dir}: ${diagnostics.map(formatDiagnostic).join('; ')}`);
    this.name = 'NoActiveRulesetError';
  }
}

export class RuleRegistry {
  private activeRuleset: Ruleset | null = null;
  private lastActivation: { ruleset: Ruleset; summary: ChangeSummary } | null = null;
  private activeFrom: RegistryStatus['activeFrom'] = null;
  private loadedAt: Date | null = null;
  private lastRejected: { at: Date; diagnostics: Diagnostic[] } | null = null;
  private readonly known = new Map<string, Ruleset>();
  /** Activations not yet recorded in the store, with when they happened, retried on the next reload. */
  private readonly unsaved = new Map<string, Activation>();
  private watcher: RulesWatcher | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(ruleset: Ruleset, summary: ChangeSummary) => void>();

  constructor(private readonly options: RuleRegistryOptions) {}

  /**
   * Loads the directory and starts watching it. Resolves even if the rules are invalid: then the
   * most recently activated stored version runs (state `degraded`), or, with none stored, nothing
   * does (state `error`); see `status()`.
   */
  async start(): Promise<ReloadResult> {
    const result = await this.reload();
    if (this.options.watch !== false && !this.watcher) {
      this.watcher = watchRulesDir(this.options.dir, () => void this.reload(), this.options.debounceMs ?? 300);
    }
    return result;
  }

  stop(): Promise<void> {
    this.watcher?.close();
    this.watcher = undefined;
    return this.queue.then(() => undefined);
  }

  /** The active ruleset. Throws `NoActiveRulesetError` while none is valid. */
  active(): Ruleset {
    if (!this.activeRuleset) throw new NoActiveRulesetError(this.options.dir, this.lastRejected?.diagnostics ?? []);
    return this.activeRuleset;
  }

  /** The active ruleset, or null while none is valid (for readers that can answer without rules). */
  activeOrNull(): Ruleset | null {
    return this.activeRuleset;
  }

  /**
   * The activation that made the live version live, with what it changed; null before any. A
   * listener added after start (the re-evaluation trigger) reads it to act on the start-up load.
   */
  latestActivation(): { ruleset: Ruleset; summary: ChangeSummary } | null {
    return this.lastActivation;
  }

  /** Called after each activation (not for rejected changes). Returns an unsubscribe function. */
  onActivate(listener: (ruleset: Ruleset, summary: ChangeSummary) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the directory now. Reloads run one at a time, in order. */
  reload(): Promise<ReloadResult> {
    const next = this.queue.then(() => this.reloadNow());
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Makes the stored version `ref` (a hash or unique prefix) the live one: checked like an edit
   * (gated by its own tests), written into the rules folder (so the folder, hot reload, a restart
   * and other processes agree; see activate-version.ts), stored as an activation with who and why,
   * and activated. Runs in the reload queue, so a file event it causes reloads after it and finds
   * nothing new.
   */
  activateStored(ref: string, by: ActivatedBy): Promise<StoredActivationResult> {
    const next = this.queue.then(() => this.activateStoredNow(ref, by));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async activateStoredNow(ref: string, by: ActivatedBy): Promise<StoredActivationResult> {
    const { logger, dir, store } = this.options;
    const lookup = await findStoredVersion(store, ref);
    if (!lookup.found) return { outcome: lookup.why, message: lookup.message };
    const loaded = checkStoredVersion(lookup.version);
    if (!loaded.ok) return { outcome: 'rejected', version: lookup.version.hash, diagnostics: loaded.diagnostics };
    const ruleset = loaded.ruleset;
    try {
      await writeRulesFolder(dir, ruleset.texts);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.error({ dir, version: ruleset.version, err: error }, 'could not write the rules folder; nothing activated');
      return { outcome: 'unwritable', version: ruleset.version, message: `cannot write the rules folder ${dir}: ${reason}` };
    }
    const previous = this.activeRuleset;
    if (previous?.version === ruleset.version) {
      this.lastRejected = null;
      this.activeFrom = 'files';
      return { outcome: 'unchanged', version: ruleset.version };
    }
    const summary = summariseChange(previous, ruleset);
    const activatedAt = this.now();
    await this.save(ruleset, { activatedAt, summary: summary.changes.join('\n'), actor: by.actor, reason: by.reason });
    this.activate(ruleset, 'files', activatedAt, summary);
    logger.info(
      { version: ruleset.version, from: summary.from, changes: summary.changes, actor: by.actor, reason: by.reason, dir },
      `rules version ${ruleset.version} activated by ${by.actor} from the version store and written to ${dir}`,
    );
    return { outcome: 'activated', version: ruleset.version, previous: previous?.version ?? null, summary };
  }

  private async reloadNow(): Promise<ReloadResult> {
    const { logger, dir } = this.options;
    await this.saveUnsaved();
    const result = await loadRulesetFromDir(dir);
    if (!result.ok) return this.reject(result.diagnostics);
    for (const w of result.warnings) logger.warn({ diagnostic: formatDiagnostic(w) }, 'rules warning');
    const ruleset = result.ruleset;
    if (this.activeRuleset?.version === ruleset.version) {
      this.lastRejected = null;
      this.activeFrom = 'files';
      return { outcome: 'unchanged', version: ruleset.version };
    }
    const summary = summariseChange(this.activeRuleset ?? (await this.lastActiveElse(ruleset.version)), ruleset);
    const activatedAt = this.now();
    await this.save(ruleset, { activatedAt, summary: summary.changes.join('\n') });
    this.activate(ruleset, 'files', activatedAt, summary);
    logger.info({ version: ruleset.version, from: summary.from, changedFiles: summary.changedFiles, changes: summary.changes, pinned: ruleset.pinned }, `rules version ${ruleset.version} active`);
    return { outcome: 'activated', version: ruleset.version, summary };
  }

  /**
   * On the first load: the version the database last recorded as active, when it is not `version`
   * (the folder was edited while leadflow was stopped), so the load is reported, stored and acted on
   * (re-evaluation) as the change it is. Null when it is the same version, none is recorded, or the
   * store cannot be read: then the load is a first load, as before.
   */
  private async lastActiveElse(version: string): Promise<Ruleset | null> {
    let stored: StoredRuleVersion | null;
    try {
      stored = await this.options.store.latest();
    } catch (error) {
      this.options.logger.error({ err: error }, 'could not read the last active rules version from the version store');
      return null;
    }
    return stored && stored.hash !== version ? this.rulesetOf(stored) : null;
  }

  /** Keeps the active version, or, when there is none (a restart after a bad edit), restores the last activated one from the store. */
  private async reject(diagnostics: Diagnostic[]): Promise<ReloadResult> {
    const { logger, dir } = this.options;
    this.lastRejected = { at: this.now(), diagnostics };
    const restored = this.activeRuleset ? null : await this.restoreLatest();
    const active = this.activeRuleset;
    const keeping = restored
      ? `running version ${restored.hash}, the last one activated (${restored.activatedAt?.toISOString() ?? 'unknown time'}), restored from the version store`
      : active ? `keeping version ${active.version}` : 'no version is active';
    logger.error(
      { dir, diagnostics: diagnostics.map(formatDiagnostic), activeVersion: active?.version ?? null, ...(restored ? { restoredFromStore: restored.hash, activatedAt: restored.activatedAt } : {}) },
      `rules change rejected (${diagnostics.length} problem(s)); ${keeping}`,
    );
    return { outcome: 'rejected', diagnostics, activeVersion: active?.version ?? null };
  }

  /** Activates the most recently activated stored version; null when there is none or it cannot be used. */
  private async restoreLatest(): Promise<StoredRuleVersion | null> {
    let stored: StoredRuleVersion | null;
    try {
      stored = await this.options.store.latest();
    } catch (error) {
      this.options.logger.error({ err: error }, 'could not read the last active rules version from the version store');
      return null;
    }
    const ruleset = stored ? this.rulesetOf(stored) : null;
    if (!stored || !ruleset) return null;
    this.activate(ruleset, 'store', this.now(), { from: null, to: ruleset.version, changedFiles: [], changes: [`restored from the version store (activated ${stored.activatedAt?.toISOString() ?? 'at an unknown time'})`] });
    return stored;
  }

  private activate(ruleset: Ruleset, from: 'files' | 'store', at: Date, summary: ChangeSummary): void {
    this.lastActivation = { ruleset, summary };
    this.activeRuleset = ruleset;
    this.activeFrom = from;
    this.known.set(ruleset.version, ruleset);
    this.loadedAt = at;
    if (from === 'files') this.lastRejected = null;
    for (const listener of this.listeners) listener(ruleset, summary);
  }

  /** A version by hash, from memory or the version store (for pinned journeys, explanations). */
  async getVersion(hash: string): Promise<Ruleset | null> {
    const cached = this.known.get(hash);
    if (cached) return cached;
    const stored = await this.options.store.get(hash);
    if (!stored) return null;
    const ruleset = this.rulesetOf(stored);
    if (ruleset) this.known.set(hash, ruleset);
    return ruleset;
  }

  private rulesetOf(stored: StoredRuleVersion): Ruleset | null {
    const cached = this.known.get(stored.hash);
    if (cached) return cached;
    const result = loadRulesetFromTexts(stored.files, { stored: true });
    if (result.ok) return result.ruleset;
    this.options.logger.error({ hash: stored.hash, diagnostics: result.diagnostics.map(formatDiagnostic) }, 'stored rules version no longer loads');
    return null;
  }

  status(): RegistryStatus {
    const active = this.activeRuleset;
    const rejectedAfterLoad = this.lastRejected !== null;
    return {
      state: !active ? 'error' : rejectedAfterLoad ? 'degraded' : 'ok',
      activeVersion: active?.version ?? null,
      activeFrom: this.activeFrom,
      pinned: active?.pinned ?? false,
      loadedAt: this.loadedAt?.toISOString() ?? null,
      dir: this.options.dir,
      files: active
        ? RULE_KINDS.flatMap((k) => {
            const file = active.files[k];
            return file ? [{ name: file.fileName, kind: k, hash: file.hash, pinned: file.pinned }] : [];
          })
        : [],
      ...(this.lastRejected
        ? { lastRejected: { at: this.lastRejected.at.toISOString(), diagnostics: this.lastRejected.diagnostics, messages: this.lastRejected.diagnostics.map(formatDiagnostic) } }
        : {}),
    };
  }

  /** Stores the version (a no-op if it is stored already) and records when it became active. */
  private async save(ruleset: Ruleset, activation: Activation): Promise<void> {
    const { store } = this.options;
    try {
      await store.save({ hash: ruleset.version, files: ruleset.texts, createdAt: activation.activatedAt, summary: activation.summary, activatedAt: activation.activatedAt });
      await store.markActivated(ruleset.version, activation.activatedAt, activation);
      this.unsaved.delete(ruleset.version);
    } catch (error) {
      this.unsaved.set(ruleset.version, activation);
      this.options.logger.error({ version: ruleset.version, err: error }, 'could not store rules version; will retry on the next reload');
    }
  }

  /** Retries with the original activation times, so the store's "latest" stays the one activated last. */
  private async saveUnsaved(): Promise<void> {
    for (const [hash, activation] of [...this.unsaved]) {
      const ruleset = this.known.get(hash);
      if (ruleset) await this.save(ruleset, activation);
    }
  }

  private now(): Date {
    return this.options.now ? this.options.now() : new Date();
  }
}
