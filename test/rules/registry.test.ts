/**
 * Hot reload: a valid change becomes the active version (stored, logged with what
 * changed); an invalid change is rejected, the previous version keeps running, and the
 * problems are visible in `status()` and the log.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RuleRegistry, type RuleLogger } from '../../src/rules/registry';
import { InMemoryRuleVersionStore, type RuleVersionStore } from '../../src/rules/version-store';
import { RULES_DIR } from './support/rulesets';

interface LogLine { level: 'info' | 'warn' | 'error'; obj: Record<string, unknown>; msg: string }

function memoryLogger(lines: LogLine[]): RuleLogger {
  const at = (level: LogLine['level']) => (obj: object, msg: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg });
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

let dir: string;
let logs: LogLine[];
let store: InMemoryRuleVersionStore;
let registry: RuleRegistry;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'leadflow-rules-'));
  await cp(RULES_DIR, dir, { recursive: true });
  logs = [];
  store = new InMemoryRuleVersionStore();
});

afterEach(async () => {
  await registry?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function change(file: string, from: string, to: string): Promise<void> {
  const text = await readFile(join(dir, file), 'utf8');
  if (!text.includes(from)) throw new Error(`test setup: "${from}" not in ${file}`);
  await writeFile(join(dir, file), text.replace(from, to));
}

describe('RuleRegistry', () => {
  it('when it starts on valid rules, then the version is active, stored and healthy', async () => {
    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false });
    const result = await registry.start();
    const version = registry.active().version;
    expect(result).toMatchObject({ outcome: 'activated', version });
    expect(registry.status()).toMatchObject({ state: 'ok', activeVersion: version });
    expect((await store.get(version))?.files['scoring.yaml']).toBe(await readFile(join(dir, 'scoring.yaml'), 'utf8'));
  });

  it('when a threshold changes, then the new version is active and the log says what changed', async () => {
    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false });
    await registry.start();
    const before = registry.active().version;
    await change('scoring.yaml', '  threshold: 80', '  threshold: 75');
    const result = await registry.reload();
    expect(result.outcome).toBe('activated');
    expect(registry.active().version).not.toBe(before);
    expect(registry.active().scoring.mql.threshold).toBe(75);
    expect(logs.at(-1)).toMatchObject({ level: 'info', obj: { from: before, changedFiles: ['scoring.yaml'], changes: ['scoring.yaml: MQL threshold 80 → 75'] } });
  });

  it('when a change is invalid, then the previous version keeps running and the problems are in status and the log', async () => {
    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false, now: () => new Date('2025-03-10T09:00:00Z') });
    await registry.start();
    const before = registry.active().version;
    await change('routing.yaml', 'assign: { pool: mid-market }', 'assign: { pool: mid-markt }');
    const result = await registry.reload();
    expect(result.outcome).toBe('rejected');
    expect(registry.active().version).toBe(before);
    const status = registry.status();
    expect(status.state).toBe('degraded');
    expect(status.lastRejected?.at).toBe('2025-03-10T09:00:00.000Z');
    expect(status.lastRejected?.messages).toEqual([
      `${dir}/routing.yaml:126:21: rules[5].assign.pool: unknown pool "mid-markt": it is not defined in routing.yaml pools (did you mean "mid-market"?)`,
    ]);
    expect(logs.at(-1)).toMatchObject({ level: 'error', obj: { activeVersion: before } });
  });

  it('when the rules are invalid at start and no version was ever activated, then nothing is active and asking for rules says why', async () => {
    await change('approvals.yaml', '  validFor: 30 days', '  validFor: 30 dayz');
    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false });
    await registry.start();
    expect(registry.status().state).toBe('error');
    expect(() => registry.active()).toThrow(/validFor: unknown time unit "dayz"/);
  });

  it('when a restart finds invalid files, then the version activated last keeps running, degraded, and the log names it', async () => {
    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false, now: () => new Date('2025-03-10T09:00:00Z') });
    await registry.start();
    await change('scoring.yaml', '  threshold: 80', '  threshold: 75');
    await registry.reload();
    const lastGood = registry.active().version;
    await registry.stop();
    await change('scoring.yaml', 'fact: company.employees, op: ">=", value: 1000', 'fact: company.employes, op: ">=", value: 1000');

    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false }); // the restarted process
    const result = await registry.start();

    expect(result).toMatchObject({ outcome: 'rejected', activeVersion: lastGood });
    expect(registry.active().scoring.mql.threshold).toBe(75);
    const status = registry.status();
    expect(status).toMatchObject({ state: 'degraded', activeVersion: lastGood, activeFrom: 'store' });
    expect(status.lastRejected?.messages).toEqual([`${dir}/scoring.yaml:21:23: attributes[0].tiers[0].when.fact: unknown fact "company.employes" (did you mean "company.employees"?)`]);
    expect(logs.at(-1)).toMatchObject({ level: 'error', obj: { activeVersion: lastGood, restoredFromStore: lastGood } });
    expect(logs.at(-1)?.msg).toContain(`running version ${lastGood}, the last one activated (2025-03-10T09:00:00.000Z), restored from the version store`);
  });

  it('when an older version is activated again, then a restart on invalid files falls back to it, not to the newest stored one', async () => {
    let clock = Date.parse('2025-03-10T09:00:00Z');
    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false, now: () => new Date((clock += 60_000)) });
    await registry.start();
    const original = registry.active().version;
    await change('scoring.yaml', '  threshold: 80', '  threshold: 75');
    await registry.reload();
    await change('scoring.yaml', '  threshold: 75', '  threshold: 80');
    expect(await registry.reload()).toMatchObject({ outcome: 'activated', version: original });
    await registry.stop();
    await change('approvals.yaml', '  validFor: 30 days', '  validFor: 30 dayz');

    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false });
    await registry.start();

    expect(registry.status()).toMatchObject({ state: 'degraded', activeVersion: original, activeFrom: 'store' });
    expect(registry.active().scoring.mql.threshold).toBe(80);
  });

  it('when the files are fixed after a restart on a stored version, then the state is ok and the files are active again', async () => {
    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false });
    await registry.start();
    const good = registry.active().version;
    await registry.stop();
    await change('approvals.yaml', '  validFor: 30 days', '  validFor: 30 dayz');
    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false });
    await registry.start();
    expect(registry.status().state).toBe('degraded');

    await change('approvals.yaml', '  validFor: 30 dayz', '  validFor: 30 days');
    expect(await registry.reload()).toEqual({ outcome: 'unchanged', version: good });

    expect(registry.status()).toMatchObject({ state: 'ok', activeVersion: good, activeFrom: 'files' });
    expect(registry.status().lastRejected).toBeUndefined();
  });

  it('when a version is activated, then the store records when and what changed', async () => {
    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false, now: () => new Date('2025-03-10T09:00:00Z') });
    await registry.start();
    await change('scoring.yaml', '  threshold: 80', '  threshold: 75');
    const { version } = (await registry.reload()) as { version: string };
    expect(await store.get(version)).toMatchObject({ activatedAt: new Date('2025-03-10T09:00:00Z'), summary: 'scoring.yaml: MQL threshold 80 → 75' });
    expect((await store.latest())?.hash).toBe(version);
  });

  it('when a version changes and the process restarts on the same files, then the history has one row per change, not per start', async () => {
    let clock = Date.parse('2025-03-10T09:00:00Z');
    const now = () => new Date((clock += 60_000));
    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false, now });
    const first = (await registry.start()) as { version: string };
    await change('scoring.yaml', '  threshold: 80', '  threshold: 75');
    const second = (await registry.reload()) as { version: string };
    await registry.stop();
    // A restart (a new registry on the same store and files) goes on with the same version.
    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false, now });
    await registry.start();

    expect(await store.activations()).toEqual([
      {
        hash: first.version,
        previous: null,
        activatedAt: new Date('2025-03-10T09:01:00Z'),
        summary: expect.any(String),
        actor: null,
        reason: null,
      },
      {
        hash: second.version,
        previous: first.version,
        activatedAt: new Date('2025-03-10T09:02:00Z'),
        summary: 'scoring.yaml: MQL threshold 80 → 75',
        actor: null,
        reason: null,
      },
    ]);
    expect((await store.activationAt(new Date('2025-03-10T09:01:30Z')))?.hash).toBe(first.version);
    expect((await store.activationAt(new Date('2025-03-10T09:02:00Z')))?.hash).toBe(second.version);
    expect(await store.activationAt(new Date('2025-03-10T08:00:00Z'))).toBeNull();
    // Rolling the file back activates the first version again: a third row.
    await change('scoring.yaml', '  threshold: 75', '  threshold: 80');
    expect((await registry.reload()) as { version: string }).toMatchObject({ version: first.version });
    expect((await store.activations()).map((a) => [a.hash, a.previous])).toEqual([
      [first.version, null],
      [second.version, first.version],
      [first.version, second.version],
    ]);
  });

  it('when the folder was edited while leadflow was stopped, then the first load is the change from the last active version in the database', async () => {
    let clock = Date.parse('2025-03-10T09:00:00Z');
    const now = () => new Date((clock += 60_000));
    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false, now });
    const first = (await registry.start()) as { version: string };
    expect(registry.latestActivation()?.summary).toMatchObject({ from: null, changes: ['first load'] });
    await registry.stop();
    await change('scoring.yaml', '  threshold: 80', '  threshold: 75');

    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false, now });
    const second = (await registry.start()) as { version: string };
    expect(registry.latestActivation()?.summary).toEqual({
      from: first.version,
      to: second.version,
      changedFiles: ['scoring.yaml'],
      changes: ['scoring.yaml: MQL threshold 80 → 75'],
    });
    expect(logs.at(-1)).toMatchObject({ level: 'info', obj: { from: first.version, changes: ['scoring.yaml: MQL threshold 80 → 75'] } });
    expect((await store.activations()).map((a) => [a.hash, a.previous, a.summary])).toEqual([
      [first.version, null, 'first load'],
      [second.version, first.version, 'scoring.yaml: MQL threshold 80 → 75'],
    ]);
    await registry.stop();

    // Started again on the same files: the database's last active version is this one; no change.
    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false, now });
    await registry.start();
    expect(registry.latestActivation()?.summary).toMatchObject({ from: null, to: second.version });
    expect(await store.activations()).toHaveLength(2);
  });

  it('when storing a version fails, then the next reload stores it with the time it was activated', async () => {
    let clock = Date.parse('2025-03-10T09:00:00Z');
    let storeDown = false;
    const flakyStore: RuleVersionStore = {
      save: (version) => (storeDown ? Promise.reject(new Error('database unreachable')) : store.save(version)),
      get: (hash) => store.get(hash),
      markActivated: (hash, at, change) => store.markActivated(hash, at, change),
      activations: (range) => store.activations(range),
      activationAt: (at) => store.activationAt(at),
      latest: () => store.latest(),
      list: (page) => store.list(page),
      findByPrefix: (prefix) => store.findByPrefix(prefix),
      visibleTo: () => flakyStore,
    };
    registry = new RuleRegistry({ dir, store: flakyStore, logger: memoryLogger(logs), watch: false, now: () => new Date((clock += 60_000)) });
    await registry.start();
    storeDown = true;
    await change('scoring.yaml', '  threshold: 80', '  threshold: 75');
    const { version } = (await registry.reload()) as { version: string };
    expect(await store.get(version)).toBeNull();
    expect(logs.at(-2)).toMatchObject({ level: 'error', msg: 'could not store rules version; will retry on the next reload' });

    storeDown = false;
    await registry.reload();

    expect(await store.get(version)).toMatchObject({ activatedAt: new Date('2025-03-10T09:02:00Z'), summary: 'scoring.yaml: MQL threshold 80 → 75' });
    expect((await store.latest())?.hash).toBe(version);
  });

  it('when a file is saved while watching, then the change is picked up without a restart', async () => {
    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), debounceMs: 20 });
    await registry.start();
    const before = registry.active().version;
    await change('cadences.yaml', 'after: 3 business days\n        do: linkedin', 'after: 4 business days\n        do: linkedin');
    const deadline = Date.now() + 5_000;
    while (registry.active().version === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(registry.active().version).not.toBe(before);
    expect(logs.at(-1)?.obj.changes).toEqual([
      'cadences.yaml: cadence mql-standard step 4 wait 3 business days → 4 business days',
    ]);
  });

  it('when a journey asks for an older version by hash, then it gets that exact ruleset back', async () => {
    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false });
    await registry.start();
    const old = registry.active();
    await change('scoring.yaml', '  threshold: 80', '  threshold: 90');
    await registry.reload();
    const fresh = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false }); // another process: only the store knows `old`
    expect((await fresh.getVersion(old.version))?.scoring.mql.threshold).toBe(80);
    expect(await fresh.getVersion('0000000000000000')).toBeNull();
  });

  it('when a stored version fails its own tests today, then activating it is refused and neither the live version nor the folder changes', async () => {
    registry = new RuleRegistry({ dir, store, logger: memoryLogger(logs), watch: false });
    await registry.start();
    const live = registry.active().version;
    const texts = registry.active().texts;
    const failing = { ...texts, 'scoring.yaml': texts['scoring.yaml']!.replace('  threshold: 80', '  threshold: 90') };
    await store.save({ hash: 'feedfacefeedface', files: failing, createdAt: new Date() });

    const refused = await registry.activateStored('feedface', { actor: 'ana@example.com', reason: 'try it' });
    expect(refused.outcome).toBe('rejected');
    expect(refused.outcome === 'rejected' && refused.diagnostics.map((d) => d.code)).toEqual(['test-failed', 'test-failed']);
    const unknown = await registry.activateStored('0123456789abcdef', { actor: 'ana@example.com', reason: 'typo' });
    expect(unknown).toMatchObject({ outcome: 'not-found' });
    expect(registry.active().version).toBe(live);
    expect(await readFile(join(dir, 'scoring.yaml'), 'utf8')).toContain('  threshold: 80');
    expect((await store.activations()).map((a) => a.hash)).toEqual([live]);
  });
});
