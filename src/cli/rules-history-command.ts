/**
 * `leadflow rules diff <a> <b>` and `leadflow rules activate <hash> --reason "…"`: the rules'
 * history at the console. A version is a rules folder or a stored version (a hash, or a unique
 * prefix of one, from the database of DATABASE_URL). Activation works the same whether leadflow
 * runs or not: it writes the version's files into the rules folder and records the activation
 * (who, why) and its audit entry in the database; a running leadflow follows the folder by hot
 * reload, a stopped one loads it at its next start.
 */
import { stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import type { Db } from '../db/client';
import { PrismaRuleVersionStore } from '../db/rule-version-store';
import { createLogger } from '../logger';
import { checkStoredVersion, findStoredVersion, VERSION_REF, writeRulesFolder } from '../rules/activate-version';
import { hashFiles } from '../rules/hash';
import { readRuleTexts } from '../rules/load-dir';
import { diffRuleTexts } from '../rules/semantic-diff';
import { formatDiagnostic, kindOfFileName } from '../rules/types';
import { auditRulesActivation } from '../usecases/rules-activation';
import { openDatabase } from './database';

type Print = (line?: string) => void;

/** A refusal the user can fix: printed as is, exit code 1. */
class Refused extends Error {}

/** Opens the database only when a stored version is asked for, and closes it at the end. */
class Versions {
  private db: Db | undefined;

  async database(): Promise<Db> {
    this.db ??= await openDatabase(loadConfig(), createLogger('error'));
    return this.db;
  }

  async store(): Promise<PrismaRuleVersionStore> {
    return new PrismaRuleVersionStore(await this.database());
  }

  /** The rule texts `ref` names: a folder's files, or a stored version's. */
  async texts(ref: string): Promise<{ label: string; version: string; files: Record<string, string> }> {
    const isDir = await stat(ref).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (isDir) {
      const files = ruleFilesOnly(await readRuleTexts(ref));
      return { label: ref, version: hashFiles(files), files };
    }
    if (!VERSION_REF.test(ref)) throw new Refused(`"${ref}" is neither a rules folder nor a version hash`);
    const lookup = await findStoredVersion(await this.store(), ref);
    if (!lookup.found) throw new Refused(lookup.message);
    return { label: lookup.version.hash, version: lookup.version.hash, files: lookup.version.files };
  }

  async close(): Promise<void> {
    await this.db?.$disconnect();
  }
}

/** The folder's rule files (what its version is hashed over), without stray YAML files. */
function ruleFilesOnly(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).filter(([name]) => kindOfFileName(name) !== undefined));
}

async function run(out: Print, err: Print, body: (versions: Versions) => Promise<number>): Promise<number> {
  const versions = new Versions();
  try {
    return await body(versions);
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    err(error.message);
    return 1;
  } finally {
    await versions.close();
  }
}

/** `leadflow rules diff <a> <b> [--format text|json]` */
export function rulesDiff(args: string[], out: Print, err: Print): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { format: { type: 'string' } }, allowPositionals: true });
  const format = values.format ?? 'text';
  if (positionals.length !== 2 || (format !== 'text' && format !== 'json')) {
    err('usage: leadflow rules diff <folder|hash> <folder|hash> [--format text|json]');
    return Promise.resolve(2);
  }
  return run(out, err, async (versions) => {
    const from = await versions.texts(positionals[0]!);
    const to = await versions.texts(positionals[1]!);
    const changes = diffRuleTexts(from.files, to.files);
    if (format === 'json') {
      out(JSON.stringify({ from: from.version, to: to.version, changes }, null, 2));
      return 0;
    }
    const name = (v: { label: string; version: string }) =>
      v.label === v.version ? v.version : `${v.label} (${v.version})`;
    out(`${name(from)} → ${name(to)}`);
    for (const change of changes) out(`  ${change.text}`);
    if (changes.length === 0) out('  no changes');
    return 0;
  });
}

/** `leadflow rules activate <hash> --reason "…" [--dir rules] [--actor you@company.com]` */
export function rulesActivate(args: string[], defaultDir: string, out: Print, err: Print): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { reason: { type: 'string' }, dir: { type: 'string' }, actor: { type: 'string' } },
    allowPositionals: true,
  });
  const reason = values.reason?.trim();
  if (positionals.length !== 1 || !reason) {
    err('usage: leadflow rules activate <hash> --reason "why" [--dir rules] [--actor you@company.com]');
    return Promise.resolve(2);
  }
  const dir = values.dir ?? defaultDir;
  const actor = values.actor ?? `cli:${userInfo().username}`;
  return run(out, err, async (versions) => {
    const ref = positionals[0]!;
    if (!VERSION_REF.test(ref)) throw new Refused(`"${ref}" is not a version hash (hexadecimal, 4 or more digits)`);
    const store = await versions.store();
    const lookup = await findStoredVersion(store, ref);
    if (!lookup.found) throw new Refused(`${lookup.message}; nothing was changed`);
    const target = lookup.version;
    const loaded = checkStoredVersion(target);
    if (!loaded.ok) {
      for (const d of loaded.diagnostics) err(formatDiagnostic(d));
      throw new Refused(`✗ rules version ${target.hash} cannot be activated; nothing was changed`);
    }
    const now = new Date();
    const live = await store.activationAt(now);
    await writeRulesFolder(dir, loaded.ruleset.texts);
    if (live?.hash === target.hash) {
      out(`rules version ${target.hash} is the active one already; ${dir} holds its files`);
      return 0;
    }
    const previous = live ? await store.get(live.hash) : null;
    const changes = previous ? diffRuleTexts(previous.files, target.files).map((c) => c.text) : ['first load'];
    await store.markActivated(target.hash, now, { summary: changes.join('\n'), actor, reason });
    const config = loadConfig();
    await auditRulesActivation(await versions.database(), {
      tenant: config.tenant,
      hash: target.hash,
      previous: live?.hash ?? null,
      actor,
      reason,
      changes,
      at: now,
    });
    out(`✓ rules version ${target.hash} activated by ${actor} (was ${live?.hash ?? 'none'}): ${reason}`);
    for (const change of changes) out(`  ${change}`);
    out(`Its files are in ${dir}: a running leadflow picks them up by hot reload, a stopped one at its next start.`);
    return 0;
  });
}
