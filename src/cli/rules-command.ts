/**
 * `leadflow rules check|test|explain|schema|diff|activate|backtest|shadow`: what RevOps runs after editing a rule file.
 * Every subcommand prints plain language and returns an exit code (0 ok, 1 problems,
 * 2 bad usage) instead of throwing.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { jsonSchemaFiles } from '../rules/json-schema';
import { loadRulesetFromDir } from '../rules/load-dir';
import { BACKTEST_USAGE, backtestCommand } from './rules-backtest';
import { SHADOW_USAGE, shadowCommand } from './rules-shadow-command';
import { formatCaseResults, formatExplanation, explainForKind } from './rules-output';
import { runRuleTests } from '../rules/rule-tests';
import { coverageHints } from '../rules/coverage-hints';
import { factsSchema } from '../rules/schema/facts';
import { formatDiagnostic, RULE_KINDS, type RuleKind } from '../rules/types';

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = `Usage:
  leadflow rules check [dir]                     validate every rule file; exit 1 with the problems
  leadflow rules test [dir]                      run the tests: block of every rule file
  leadflow rules explain --facts lead.json [--kind scoring|routing|escalation|cadences|approvals|forecast|loss-reasons]
                         [--dir rules] [--now 2025-03-10T12:00:00Z] [--sla mql-first-touch] [--stage proposal]
                                                 show the decision for these facts, and why
  leadflow rules schema [--out dir]              write the JSON Schema of each file kind (default: <dir>/schema)
  leadflow rules diff <a> <b> [--format json]    what changed from a to b, in RevOps words; each is a rules
                                                 folder or a stored version hash (or a unique prefix)
  leadflow rules activate <hash> --reason "why" [--dir rules] [--actor you@company.com]
                                                 make a stored version live again (rollback): writes its
                                                 files into the folder and records who and why
${BACKTEST_USAGE}
${SHADOW_USAGE}

The rules directory defaults to $LEADFLOW_RULES_DIR, or ./rules.`;

function defaultDir(): string {
  return process.env.LEADFLOW_RULES_DIR ?? 'rules';
}

/** Runs `leadflow rules <args>`; resolves to the process exit code. */
export async function rulesCommand(args: string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = args;
  const out = (line = '') => io.stdout.write(`${line}\n`);
  const err = (line = '') => io.stderr.write(`${line}\n`);
  try {
    switch (sub) {
      case 'check':
        return await check(rest[0] ?? defaultDir(), out, err);
      case 'test':
        return await test(rest[0] ?? defaultDir(), out, err);
      case 'explain':
        return await explain(rest, out, err);
      case 'schema':
        return await schema(rest, out);
      case 'diff':
        return await (await import('./rules-history-command')).rulesDiff(rest, out, err);
      case 'activate':
        return await (await import('./rules-history-command')).rulesActivate(rest, defaultDir(), out, err);
      case 'backtest':
        return await backtestCommand(rest, io);
      case 'shadow':
        return await shadowCommand(rest, out, err);
      case undefined:
      case '--help':
      case 'help':
        out(USAGE);
        return sub === undefined ? 2 : 0;
      default:
        err(`unknown rules command "${sub}"`);
        err(USAGE);
        return 2;
    }
  } catch (error) {
    err(`leadflow rules ${sub ?? ''}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}

type Print = (line?: string) => void;

async function check(dir: string, out: Print, err: Print): Promise<number> {
  const result = await loadRulesetFromDir(dir);
  if (!result.ok) {
    for (const d of result.diagnostics) err(formatDiagnostic(d));
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    err(
      `\n✗ ${errors} problem${errors === 1 ? '' : 's'} in ${dir}: these rules would NOT be activated; the running system keeps its current rules.`,
    );
    return 1;
  }
  for (const w of result.warnings) err(formatDiagnostic(w));
  const r = result.ruleset;
  out(`✓ ${dir} is valid: version ${r.version}${r.pinned ? ' (pinned)' : ''}`);
  for (const kind of RULE_KINDS) {
    const file = r.files[kind];
    if (file) out(`  ${file.fileName.padEnd(18)} ${file.hash}`);
  }
  return 0;
}

async function test(dir: string, out: Print, err: Print): Promise<number> {
  // Loaded without its tests gating it, so every case shows as passed or failed with its difference.
  const result = await loadRulesetFromDir(dir, { tests: false });
  if (!result.ok) {
    for (const d of result.diagnostics) err(formatDiagnostic(d));
    err(`\n✗ the rules are invalid; fix the problems above before running their tests.`);
    return 1;
  }
  const cases = runRuleTests(result.ruleset);
  for (const line of formatCaseResults(cases, dir)) out(line);
  // Warnings, never failures: thresholds and boundaries no case comes near.
  const hints = coverageHints(result.ruleset, dir);
  if (hints.length > 0)
    err(`\nwarning: no test case comes near these thresholds (add one near each, so a change there shows here):`);
  for (const h of hints) err(formatDiagnostic(h));
  return cases.every((c) => c.passed) ? 0 : 1;
}

async function explain(args: string[], out: Print, err: Print): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      facts: { type: 'string' },
      kind: { type: 'string' },
      dir: { type: 'string' },
      now: { type: 'string' },
      sla: { type: 'string' },
      stage: { type: 'string' },
    },
    allowPositionals: false,
  });
  if (!values.facts) {
    err('rules explain needs --facts <file.json>');
    return 2;
  }
  const kinds = values.kind ? [values.kind] : ['scoring', 'routing', 'cadences'];
  const unknownKind = kinds.find((k) => !(RULE_KINDS as readonly string[]).includes(k));
  if (unknownKind) {
    err(`unknown --kind "${unknownKind}" (expected one of: ${RULE_KINDS.join(', ')})`);
    return 2;
  }
  const parsedFacts = factsSchema.safeParse(JSON.parse(await readFile(values.facts, 'utf8')));
  if (!parsedFacts.success) {
    for (const issue of parsedFacts.error.issues)
      err(`${values.facts}: ${issue.path.join('.') || '(facts)'}: ${issue.message}`);
    return 1;
  }
  const dir = values.dir ?? defaultDir();
  // Explaining a decision of rules whose tests fail is how one finds out why they fail.
  const result = await loadRulesetFromDir(dir, { tests: false });
  if (!result.ok) {
    for (const d of result.diagnostics) err(formatDiagnostic(d));
    return 1;
  }
  const now = values.now ? new Date(values.now) : new Date();
  for (const kind of kinds as RuleKind[]) {
    const decision = explainForKind(result.ruleset, kind, parsedFacts.data, {
      now,
      sla: values.sla,
      stage: values.stage,
    });
    for (const line of formatExplanation(kind, decision, result.ruleset)) out(line);
    out();
  }
  return 0;
}

async function schema(args: string[], out: Print): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { out: { type: 'string' }, dir: { type: 'string' } },
    allowPositionals: false,
  });
  const target = values.out ?? join(values.dir ?? defaultDir(), 'schema');
  await mkdir(target, { recursive: true });
  for (const [name, text] of Object.entries(jsonSchemaFiles())) {
    await writeFile(join(target, name), text, 'utf8');
    out(`wrote ${join(target, name)}`);
  }
  return 0;
}
