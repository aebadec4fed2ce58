/**
 * The Node-side holder of the active ruleset. It loads the rules directory, watches it,
 * and on every valid change activates the new version (stored first, so decisions made
 * under it can always be traced to its text) and logs what changed. An invalid change is
 * rejected: the previous version keeps running and the diagnostics are kept for
 * `status()` (the API, `/health`) and logged.
 */
import { summariseChange, type ChangeSummary } from './change-summary';
import { loadRulesetFromTexts } from './load';
import { loadRulesetFromDir } from './load-dir';
import type { Ruleset } from './ruleset';
import { formatDiagnostic, RULE_KINDS, type Diagnostic } from './types';
import type { RuleVersionStore } from './version-store';
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
  pinned: boolean;
  loadedAt: string | null;
  dir: string;
  files: { name: string; kind: string; hash: string; pinned: boolean }[];
  lastRejected?: { at: string; diagnostics: Diagnostic[]; messages: string[] };
}

export type ReloadResult =
  | { outcome: 'activated'; version: string; summary: ChangeSummary }
  | { outcome: 'unchanged'; version: string }
  | { outcome: 'rejected'; diagnostics: Diagnostic[] };

export class NoActiveRulesetError extends Error {
  constructor(readonly dir: string, readonly diagnostics: readonly Diagnostic[]) {
    super(`no valid ruleset is loaded from ${dir}: ${diagnostics.map(formatDiagnostic).join('; ')}`);
    this.name = 'NoActiveRulesetError';
  }
}

export class RuleRegistry {
  private activeRuleset: Ruleset | null = null;
  private loadedAt: Date | null = null;
  private lastRejected: { at: Date; diagnostics: Diagnostic[] } | null = null;
  private readonly known = new Map<string, Ruleset>();
  private readonly unsaved = new Set<string>();
  private watcher: RulesWatcher | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(ruleset: Ruleset, summary: ChangeSummary) => void>();

  constructor(private readonly options: RuleRegistryOptions) {}

  /** Loads the directory and starts watching it. Resolves even if the rules are invalid (see `status()`). */
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

  private async reloadNow(): Promise<ReloadResult> {
    const { logger, dir } = this.options;
    await this.saveUnsaved();
    const result = await loadRulesetFromDir(dir);
    if (!result.ok) {
      this.lastRejected = { at: this.now(), diagnostics: result.diagnostics };
      const keeping = this.activeRuleset ? `keeping version ${this.activeRuleset.version}` : 'no version is active';
      logger.error({ dir, diagnostics: result.diagnostics.map(formatDiagnostic), activeVersion: this.activeRuleset?.version ?? null }, `rules change rejected (${result.diagnostics.length} problem(s)); ${keeping}`);
      return { outcome: 'rejected', diagnostics: result.diagnostics };
    }
    for (const w of result.warnings) logger.warn({ diagnostic: formatDiagnostic(w) }, 'rules warning');
    const ruleset = result.ruleset;
    if (this.activeRuleset?.version === ruleset.version) {
      this.lastRejected = null;
      return { outcome: 'unchanged', version: ruleset.version };
    }
    await this.save(ruleset);
    const summary = summariseChange(this.activeRuleset, ruleset);
    this.activeRuleset = ruleset;
    this.known.set(ruleset.version, ruleset);
    this.loadedAt = this.now();
    this.lastRejected = null;
    logger.info({ version: ruleset.version, from: summary.from, changedFiles: summary.changedFiles, changes: summary.changes, pinned: ruleset.pinned }, `rules version ${ruleset.version} active`);
    for (const listener of this.listeners) listener(ruleset, summary);
    return { outcome: 'activated', version: ruleset.version, summary };
  }

  /** A version by hash, from memory or the version store (for pinned journeys, explanations). */
  async getVersion(hash: string): Promise<Ruleset | null> {
    const cached = this.known.get(hash);
    if (cached) return cached;
    const stored = await this.options.store.get(hash);
    if (!stored) return null;
    const result = loadRulesetFromTexts(stored.files);
    if (!result.ok) {
      this.options.logger.error({ hash, diagnostics: result.diagnostics.map(formatDiagnostic) }, 'stored rules version no longer loads');
      return null;
    }
    this.known.set(hash, result.ruleset);
    return result.ruleset;
  }

  status(): RegistryStatus {
    const active = this.activeRuleset;
    const rejectedAfterLoad = this.lastRejected !== null;
    return {
      state: !active ? 'error' : rejectedAfterLoad ? 'degraded' : 'ok',
      activeVersion: active?.version ?? null,
      pinned: active?.pinned ?? false,
      loadedAt: this.loadedAt?.toISOString() ?? null,
      dir: this.options.dir,
      files: active ? RULE_KINDS.map((k) => ({ name: active.files[k].fileName, kind: k, hash: active.files[k].hash, pinned: active.files[k].pinned })) : [],
      ...(this.lastRejected
        ? { lastRejected: { at: this.lastRejected.at.toISOString(), diagnostics: this.lastRejected.diagnostics, messages: this.lastRejected.diagnostics.map(formatDiagnostic) } }
        : {}),
    };
  }

  private async save(ruleset: Ruleset): Promise<void> {
    try {
      await this.options.store.save({ hash: ruleset.version, files: ruleset.texts, createdAt: this.now() });
      this.unsaved.delete(ruleset.version);
    } catch (error) {
      this.unsaved.add(ruleset.version);
      this.options.logger.error({ version: ruleset.version, err: error }, 'could not store rules version; will retry on the next reload');
    }
  }

  private async saveUnsaved(): Promise<void> {
    for (const hash of [...this.unsaved]) {
      const ruleset = this.known.get(hash);
      if (ruleset) await this.save(ruleset);
    }
  }

  private now(): Date {
    return this.options.now ? this.options.now() : new Date();
  }
}
