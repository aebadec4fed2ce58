/**
 * A rule file's YAML, parsed with positions kept, so every later check can point at the
 * exact line and column of the thing it complains about.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic, DiagnosticCode, Severity } from './types';

export type DocPath = readonly (string | number)[];

/** A problem found at a place in the document, before it is given a line and column. */
export interface Finding {
  path: DocPath;
  /** `key`: point at the key itself (unknown keys, duplicates); `value`: at its value. */
  at: 'key' | 'value';
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  hint?: string;
}

export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** The plain JS value of the document (`null` for an empty file). */
  value: unknown;
}

/** Parses YAML, returning the document and any syntax errors as diagnostics. */
export function parseYamlSource(file: string, text: string): { source: YamlSource; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  const diagnostics = [...doc.errors, ...doc.warnings].map((e): Diagnostic => {
    const { line, col } = lines.linePos(e.pos[0]);
    const severity: Severity = doc.errors.includes(e) ? 'error' : 'warning';
    const duplicate = e.code === 'DUPLICATE_KEY';
    return {
      file, line, col, severity, code: 'yaml-syntax',
      message: duplicate ? 'this key appears twice in the same block' : firstLine(e.message),
      ...(duplicate ? { hint: 'remove or rename one of them' } : yamlHint(e.code)),
    };
  });
  const value: unknown = doc.errors.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : null;
  return { source: { file, doc, lines, value }, diagnostics };
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function yamlHint(code: string): { hint?: string } {
  switch (code) {
    case 'TAB_AS_INDENT': return { hint: 'indent with spaces, not tabs' };
    case 'BAD_INDENT':
    case 'MISSING_CHAR': return { hint: 'check the indentation and that every "key: value" has its colon' };
    case 'BLOCK_AS_IMPLICIT_KEY': return { hint: 'a key must fit on one line; check for a missing colon on the line above' };
    default: return {};
  }
}

/** Line and column (1-based) of the node at `path`, or of the nearest existing parent. */
export function positionOf(source: YamlSource, path: DocPath, at: 'key' | 'value'): { line: number; col: number } {
  let node: unknown = source.doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (const [index, segment] of path.entries()) {
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      const key = pair.key as Node;
      if (last && at === 'key') return source.lines.linePos(key.range?.[0] ?? offset);
      offset = (pair.value as Node | null)?.range?.[0] ?? key.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return source.lines.linePos(offset);
}

/** `rules[2].assign.pool` */
export function formatPath(path: DocPath): string {
  return path
    .map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`))
    .join('');
}

/** Gives a finding its file, line and column. */
export function locate(source: YamlSource, finding: Finding): Diagnostic {
  const { line, col } = positionOf(source, finding.path, finding.at);
  return {
    file: source.file,
    line,
    col,
    severity: finding.severity,
    code: finding.code,
    message: finding.message,
    ...(finding.path.length > 0 ? { path: formatPath(finding.path) } : {}),
    ...(finding.hint ? { hint: finding.hint } : {}),
  };
}

/** The value at `path` in plain data (for deciding "missing" versus "wrong type"). */
export function valueAt(value: unknown, path: DocPath): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
