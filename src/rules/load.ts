/**
 * Loads a whole ruleset from file texts: validates all five files (reporting every
 * problem in every file at once), checks references between them, compiles, and names
 * the result by content hash. All or nothing: any error means no ruleset.
 */
import { compileApprovals } from './compile/approvals';
import { compileCadences } from './compile/cadences';
import { compileEscalation } from './compile/escalation';
import { compileRouting } from './compile/routing';
import { compileScoring } from './compile/scoring';
import { closest } from './did-you-mean';
import { hashFiles, hashText } from './hash';
import type { CompiledRules, RuleFileInfo, Ruleset } from './ruleset';
import { fileNameOf, hasErrors, kindOfFileName, RULE_KINDS, sortDiagnostics, type Diagnostic, type RuleKind } from './types';
import { lineOfPath, validateRuleFile, type CrossFileContext, type FileValidation } from './validate-file';

export type LoadResult = { ok: true; ruleset: Ruleset; warnings: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

export interface LoadOptions {
  /** Prefix for file names in diagnostics, e.g. `rules` → `rules/routing.yaml:14:7`. */
  displayDir?: string;
}

/**
 * Loads from `{ 'scoring.yaml': text, … }`. Names other than the five kinds are
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
    if (!texts[kind]) diagnostics.push({ file: display(fileNameOf(kind)), line: 1, col: 1, severity: 'error', code: 'missing-file', message: `${fileNameOf(kind)} is missing`, hint: `every ruleset needs all five files: ${RULE_KINDS.map(fileNameOf).join(', ')}` });
  }
  const validations = validateAll(texts, display);
  diagnostics.push(...Object.values(validations).flatMap((v) => v.diagnostics));
  if (hasErrors(diagnostics)) return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
  return { ok: true, ruleset: assemble(validations as AllValid, texts as Record<RuleKind, { name: string; text: string }>), warnings: sortDiagnostics(diagnostics) };
}

type Validations = { [K in RuleKind]?: FileValidation<K> };
type AllValid = { [K in RuleKind]: Extract<FileValidation<K>, { ok: true }> };

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
  return validations;
}

function assemble(valid: AllValid, texts: Record<RuleKind, { name: string; text: string }>): Ruleset {
  const compiled: CompiledRules = {
    scoring: compileScoring(valid.scoring.data, lineOfPath(valid.scoring.source)),
    routing: compileRouting(valid.routing.data, lineOfPath(valid.routing.source)),
    escalation: compileEscalation(valid.escalation.data, lineOfPath(valid.escalation.source)),
    cadences: compileCadences(valid.cadences.data, lineOfPath(valid.cadences.source)),
    approvals: compileApprovals(valid.approvals.data, lineOfPath(valid.approvals.source)),
  };
  const files = Object.fromEntries(
    RULE_KINDS.map((kind): [RuleKind, RuleFileInfo] => [kind, { kind, fileName: texts[kind].name, hash: hashText(texts[kind].text), pinned: valid[kind].data.pin === true }]),
  ) as Record<RuleKind, RuleFileInfo>;
  const rawTexts = Object.fromEntries(RULE_KINDS.map((kind) => [texts[kind].name, texts[kind].text]));
  return {
    version: hashFiles(rawTexts),
    pinned: RULE_KINDS.some((kind) => files[kind].pinned),
    files,
    texts: rawTexts,
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
