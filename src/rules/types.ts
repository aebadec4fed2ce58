/**
 * Shared vocabulary of the rules DSL: the seven file kinds and the diagnostics every
 * stage (YAML syntax, schema, semantics, cross-file references) reports in.
 *
 * This module is pure (no Node imports) so workflow code may import it.
 */

/** The concerns RevOps steers, one file each in `rules/`. */
export const RULE_KINDS = ['scoring', 'routing', 'escalation', 'cadences', 'approvals', 'forecast', 'loss-reasons'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/**
 * Kinds added after rule versions were first stored (issue #12). A rules directory needs them like
 * any other file, but a version stored before they existed still loads without them (its pinned
 * journeys never asked for a forecast or a loss reason), with `forecast` / `lossReasons` null.
 */
export const LATER_KINDS: readonly RuleKind[] = ['forecast', 'loss-reasons'];

/** `scoring` → `scoring.yaml`: the file name a kind is loaded from in a rules directory. */
export function fileNameOf(kind: RuleKind): string {
  return `${kind}.yaml`;
}

/**
 * The kind a file name stands for (`scoring.yaml`, `rules/scoring.yml` → `scoring`), or
 * `undefined` for any other name. Kind comes from the name so RevOps never has to repeat it.
 */
export function kindOfFileName(fileName: string): RuleKind | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const match = /^([a-z]+(?:-[a-z]+)*)\.ya?ml$/.exec(base);
  return RULE_KINDS.find((kind) => kind === match?.[1]);
}

/** `error` blocks activation of the whole ruleset; `warning` is reported but does not. */
export type Severity = 'error' | 'warning';

/**
 * Stable, machine-readable reason for a diagnostic. Tests and editor integrations match on
 * this, humans read `message`.
 */
export type DiagnosticCode =
  | 'yaml-syntax'
  | 'missing-file'
  | 'unknown-file'
  | 'unknown-key'
  | 'missing-key'
  | 'wrong-type'
  | 'unknown-value'
  | 'invalid-value'
  | 'duplicate-name'
  | 'unknown-reference'
  | 'fact-type-mismatch'
  | 'unreachable-threshold'
  | 'shadowed-rule'
  | 'approval-gap'
  | 'approval-overlap'
  | 'invalid-duration'
  | 'unknown-placeholder'
  | 'missing-translation'
  | 'test-failed'
  | 'uncovered-boundary'
  | 'suspicious';

/**
 * One problem in one rule file, positioned so an editor (or a person) can jump to it.
 * `line` and `col` are 1-based. `path` is the location inside the document
 * (`rules[2].assign.pool`), which stays meaningful when the file is reformatted.
 */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  path?: string;
  hint?: string;
}

/**
 * `rules/routing.yaml:14:7: rules[2].assign: unknown key "asign" (did you mean "assign"?)`:
 * the one-line form the CLI, the log and the API all print.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.col}`;
  const severity = d.severity === 'warning' ? 'warning: ' : '';
  const path = d.path ? `${d.path}: ` : '';
  const hint = d.hint ? ` (${d.hint})` : '';
  return `${where}: ${severity}${path}${d.message}${hint}`;
}

/** Orders diagnostics by file, then position, so output reads top to bottom. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.message.localeCompare(b.message),
  );
}

/** True when any diagnostic blocks activation. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
