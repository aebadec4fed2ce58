/**
 * Loads a whole ruleset from file texts: validates every file (reporting every
 * problem in every file at once), checks references between them, compiles, and names
 * the result by content hash. All or nothing: any error means no ruleset.
 */
import { compileApprovals } from './compile/approvals';
import { compileCadences } from './compile/cadences';
import { compileEscalation } from './compile/escalation';
import { compileForecast } from './compile/forecast';
import { compileLossReasons } from './compile/loss-reasons';
import { compileRouting } from './compile/routing';
import { compileScoring } from './compile/scoring';
import { collectLabels } from './labels';
import { closest } from './did-you-mean';
import { hashFiles, hashText } from './hash';
import type { CompiledRules, RuleFileInfo, Ruleset } from './ruleset';
import { fileNameOf, hasErrors, kindOfFileName, LATER_KINDS, RULE_KINDS, sortDiagnostics, type Diagnostic, type RuleKind } from './types';
import { runRuleTests } from './rule-tests';
import { lineOfPath, validateRuleFile, type CrossFileContext, type FileValidation } from './validate-file';
import { formatPath, positionOf, type DocPath } from './yaml-source';

export type LoadResult = { ok: true; ruleset: Ruleset; warnings: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

export interface LoadOptions {
  /** Prefix for file names in diagnostics, e.g. `rules` → `rules/routing.yaml:14:7`. */
  displayDir?: string;
  /**
   * The texts come from the version store: a kind of LATER_KINDS they lack was stored before that
   * kind existed, so it is left out (its compiled part is null) instead of reported missing.
   */
  stored?: boolean;
  /**
   * Run every file's `tests:` and refuse the ruleset when one fails, each failing expectation an
   * error at its `file:line:col` (default: true, except for stored versions, which passed theirs
   * when they were activated). `leadflow rules test` and `explain` turn it off to show the cases.
   */
  tests?: boolean;
}

/**
 * Loads from `{ 'scoring.yaml': text, … }`. Names other than the rule kinds are
 * reported as warnings and ignored, so a stray `notes.yaml` never blocks a change.
 */
export function loadRulesetFromTexts(files: Record<string, string>, options: LoadOptions = {}): LoadResult {
  const display = (name: string) => (options.displayDir ? `${options.displayDir.replace(/\/+$/, '')}/${name}` : name);
  const texts: Partial<Record<RuleKind, { name: string; text: string }>> = {};
  const diagnostics: Diagnostic[] = [];
  for (const [name, text] of Object.entries(files)) {
    const kind = kindOfFileName(name);
    if (kind && !texts[kind]) texts[kind] = { name, text };
    else diagnostics.push(unknownFile(display(name), name));
  }
  for (const kind of RULE_KINDS) {
    if (texts[kind] || (options.stored && LATER_KINDS.includes(kind))) continue;
    const later = LATER_KINDS.includes(kind) ? `; new in this release: copy the shipped rules/${fileNameOf(kind)} to start from` : '';
    diagnostics.push({ file: display(fileNameOf(kind)), line: 1, col: 1, severity: 'error', code: 'missing-file', message: `${fileNameOf(kind)} is missing`, hint: `every ruleset needs all ${RULE_KINDS.length} files: ${RULE_KINDS.map(fileNameOf).join(', ')}${later}` });
  }
  const validations = validateAll(texts, display);
  diagnostics.push(...Object.values(validations).flatMap((v) => v.diagnostics));
  if (hasErrors(diagnostics)) return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
  const ruleset = assemble(validations as Valid, texts);
  const failures = options.tests ?? !options.stored ? testFailures(ruleset, validations, display) : [];
  if (failures.length > 0) return { ok: false, diagnostics: sortDiagnostics([...diagnostics, ...failures]) };
  return { ok: true, ruleset, warnings: sortDiagnostics(diagnostics) };
}

/**
 * Every expectation of every failing test case, as an error at the expected value
 * (`rules/scoring.yaml:131:26: tests[2].expect.mql: test "…" fails: expected true, the rules decide false`).
 */
function testFailures(ruleset: Ruleset, validations: Validations, display: (name: string) => string): Diagnostic[] {
  return runRuleTests(ruleset)
    .filter((result) => !result.passed)
    .flatMap((result) =>
      result.diff.map((diff): Diagnostic => {
        const path: DocPath = ['tests', result.index, 'expect', diff.field];
        const validation = validations[result.kind];
        const at = validation?.ok ? positionOf(validation.source, path, 'value') : { line: result.line, col: 1 };
        return {
          file: display(result.file),
          ...at,
          severity: 'error',
          code: 'test-failed',
          path: formatPath(path),
          message: `test "${result.name}" fails: expected ${diff.field} ${JSON.stringify(diff.expected)}, the rules decide ${JSON.stringify(diff.actual)}`,
          hint: `${result.summary.replace(/\.$/, '')}; fix the rule or this test`,
        };
      }),
    );
}

type Validations = { [K in RuleKind]?: FileValidation<K> };
/** Without errors every file present validated; only LATER_KINDS may be absent (a stored version). */
type Valid = { [K in RuleKind]?: Extract<FileValidation<K>, { ok: true }> };

function validateAll(texts: Partial<Record<RuleKind, { name: string; text: string }>>, display: (name: string) => string): Validations {
  const validations: Validations = {};
  const run = <K extends RuleKind>(kind: K, context: CrossFileContext = {}) => {
    const entry = texts[kind];
    if (entry) (validations as Record<K, FileValidation<K>>)[kind] = validateRuleFile(kind, display(entry.name), entry.text, context);
  };
  run('routing');
  const routingFile = validations.routing?.ok ? validations.routing.data : undefined;
  const routing = routingFile ? { queues: Object.keys(routingFile.queues), pools: Object.keys(routingFile.pools) } : undefined;
  run('scoring');
  run('escalation', routing ? { routing } : {});
  run('cadences');
  const cadences = validations.cadences?.ok ? validations.cadences.data.cadences.map((c) => c.name) : undefined;
  run('approvals', cadences ? { cadences } : {});
  run('forecast');
  run('loss-reasons');
  return validations;
}

function required<K extends RuleKind>(valid: Valid, kind: K): Extract<FileValidation<K>, { ok: true }> {
  const validation = valid[kind];
  if (!validation) throw new Error(`internal: ${fileNameOf(kind)} passed loading without being validated`);
  return validation;
}

function assemble(valid: Valid, texts: Partial<Record<RuleKind, { name: string; text: string }>>): Ruleset {
  const compile = <K extends RuleKind, C>(kind: K, compiler: (data: Extract<FileValidation<K>, { ok: true }>['data'], lineOf: ReturnType<typeof lineOfPath>) => C): C => {
    const validation = required(valid, kind);
    return compiler(validation.data, lineOfPath(validation.source));
  };
  const later = <K extends RuleKind, C>(kind: K, compiler: Parameters<typeof compile<K, C>>[1]): C | null => (valid[kind] ? compile(kind, compiler) : null);
  const compiled: CompiledRules = {
    scoring: compile('scoring', compileScoring),
    routing: compile('routing', compileRouting),
    escalation: compile('escalation', compileEscalation),
    cadences: compile('cadences', compileCadences),
    approvals: compile('approvals', compileApprovals),
    forecast: later('forecast', compileForecast),
    lossReasons: later('loss-reasons', compileLossReasons),
  };
  const present = RULE_KINDS.flatMap((kind) => {
    const entry = texts[kind];
    const validation = valid[kind];
    return entry && validation ? [{ kind, entry, pinned: validation.data.pin === true }] : [];
  });
  const files: Partial<Record<RuleKind, RuleFileInfo>> = Object.fromEntries(
    present.map(({ kind, entry, pinned }): [RuleKind, RuleFileInfo] => [kind, { kind, fileName: entry.name, hash: hashText(entry.text), pinned }]),
  );
  const rawTexts = Object.fromEntries(present.map(({ entry }) => [entry.name, entry.text]));
  const labels = collectLabels({
    approvals: required(valid, 'approvals').data,
    cadences: required(valid, 'cadences').data,
    routing: required(valid, 'routing').data,
    escalation: required(valid, 'escalation').data,
    forecast: valid.forecast?.data ?? null,
    lossReasons: valid['loss-reasons']?.data ?? null,
  });
  return {
    version: hashFiles(rawTexts),
    pinned: present.some((file) => file.pinned),
    files,
    texts: rawTexts,
    labels,
    ...compiled,
  };
}

function unknownFile(file: string, name: string): Diagnostic {
  const near = closest(name.replace(/\.ya?ml$/, ''), RULE_KINDS) as RuleKind | undefined;
  return {
    file, line: 1, col: 1, severity: 'warning', code: 'unknown-file',
    message: `ignored: ${name} is not one of the rule files`,
    hint: near ? `did you mean "${fileNameOf(near)}"?` : `rule files are ${RULE_KINDS.map(fileNameOf).join(', ')}`,
  };
}
