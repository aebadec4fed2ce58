/**
 * Validates one rule file's text in three stages: YAML syntax, then the schema, then
 * the meaning checks. Every problem of a stage is reported at once, positioned at
 * `file:line:col`. Used by the loader, and on its own by the editor `validate` endpoint.
 */
import { FILE_SCHEMAS, type RuleFiles } from './schema';
import { parseWithFindings } from './schema-issues';
import { checkApprovals } from './semantics/approvals';
import { checkCadences } from './semantics/cadences';
import { checkEscalation, type RoutingNames } from './semantics/escalation';
import { checkForecast } from './semantics/forecast';
import { checkLabels } from './semantics/labels';
import { checkLossReasons } from './semantics/loss-reasons';
import { checkRouting } from './semantics/routing';
import { checkScoring } from './semantics/scoring';
import { pruneListItems, unprune } from './prune';
import { hasErrors, sortDiagnostics, type Diagnostic, type RuleKind } from './types';
import { locate, parseYamlSource, positionOf, type DocPath, type Finding, type YamlSource } from './yaml-source';

/** Other files' validated content, for cross-file references (escalation → routing queues, approvals → cadences). */
export interface CrossFileContext {
  routing?: RoutingNames;
  /** The cadence names cadences.yaml defines. */
  cadences?: readonly string[];
}

export type FileValidation<K extends RuleKind> =
  | { ok: true; kind: K; data: RuleFiles[K]; source: YamlSource; diagnostics: Diagnostic[] }
  | { ok: false; kind: K; diagnostics: Diagnostic[] };

/** Validates `text` as a `kind` file; `file` is the name diagnostics print. */
export function validateRuleFile<K extends RuleKind>(kind: K, file: string, text: string, context: CrossFileContext = {}): FileValidation<K> {
  const { source, diagnostics: syntax } = parseYamlSource(file, text);
  if (hasErrors(syntax)) return { ok: false, kind, diagnostics: sortDiagnostics(syntax) };
  if (source.value === null || source.value === undefined) {
    return { ok: false, kind, diagnostics: [{ file, line: 1, col: 1, severity: 'error', code: 'missing-key', message: `the file is empty`, hint: `start from the shipped rules/${kind}.yaml` }] };
  }
  const parsed = parseWithFindings(FILE_SCHEMAS[kind], source.value);
  if (!parsed.ok) {
    const findings = [...parsed.findings, ...meaningDespiteSchemaErrors(kind, source.value, parsed.findings, context)];
    return { ok: false, kind, diagnostics: sortDiagnostics([...syntax, ...dedupe(findings).map((f) => locate(source, f))]) };
  }
  const findings = checkMeaning(kind, parsed.data, context);
  const diagnostics = sortDiagnostics([...syntax, ...findings.map((f) => locate(source, f))]);
  if (hasErrors(diagnostics)) return { ok: false, kind, diagnostics };
  return { ok: true, kind, data: parsed.data, source, diagnostics };
}

/** Meaning checks on the parts of the file the schema accepted (see prune.ts). */
function meaningDespiteSchemaErrors<K extends RuleKind>(kind: K, value: unknown, schemaFindings: readonly Finding[], context: CrossFileContext): Finding[] {
  let problems: { path: DocPath; blockDepth: 0 | 1 }[] = schemaFindings.map((f) => ({ path: f.path, blockDepth: 1 }));
  for (let attempt = 0; attempt < 3; attempt++) {
    const pruned = pruneListItems(value, problems);
    const reparsed = parseWithFindings(FILE_SCHEMAS[kind], pruned.value);
    if (reparsed.ok) return unprune(checkMeaning(kind, reparsed.data, context), pruned);
    // Removing an entry broke its block (e.g. decay without `every`): remove the whole top-level block instead.
    problems = [...problems, ...reparsed.findings.map((f) => ({ path: pruned.toOriginal(f.path), blockDepth: 0 as const }))];
  }
  return [];
}

function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${JSON.stringify(f.path)}:${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function checkMeaning<K extends RuleKind>(kind: K, data: RuleFiles[K], context: CrossFileContext): Finding[] {
  // Scoring's tier labels and loss reasons' labels have checks of their own.
  const labels = kind === 'scoring' || kind === 'loss-reasons' ? [] : checkLabels(data);
  return [...checkKind(kind, data, context), ...labels];
}

function checkKind<K extends RuleKind>(kind: K, data: RuleFiles[K], context: CrossFileContext): Finding[] {
  const files = { [kind]: data } as Partial<RuleFiles>;
  switch (kind) {
    case 'scoring': return checkScoring(files.scoring!);
    case 'routing': return checkRouting(files.routing!);
    case 'escalation': return checkEscalation(files.escalation!, context.routing);
    case 'cadences': return checkCadences(files.cadences!);
    case 'approvals': return checkApprovals(files.approvals!, context.cadences);
    case 'forecast': return checkForecast(files.forecast!);
    case 'loss-reasons': return checkLossReasons(files['loss-reasons']!);
  }
}

/** Line (1-based) of a path in a validated file, for rules' "defined at line N". */
export function lineOfPath(source: YamlSource) {
  return (path: readonly (string | number)[]) => positionOf(source, path, 'value').line;
}
