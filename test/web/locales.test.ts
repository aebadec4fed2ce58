import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REASON_CODES, STAGE_WARNING_CODES, TASK_TITLE_CODES } from '../../src/domain/reason-codes';

const APP = new URL('../../src/web/app/', import.meta.url).pathname;
type Catalogue = { [key: string]: string | Catalogue };
const catalogue = (code: string): Catalogue => JSON.parse(readFileSync(join(APP, 'locales', `${code}.json`), 'utf8'));
const en = catalogue('en');
const zh = catalogue('zh-CN');

function keys(tree: Catalogue, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)));
}
function lookup(tree: Catalogue, key: string): string | Catalogue | undefined {
  return key
    .split('.')
    .reduce<string | Catalogue | undefined>((node, part) => (typeof node === 'object' ? node[part] : undefined), tree);
}
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : /\.tsx?$/.test(e.name)
        ? [readFileSync(join(dir, e.name), 'utf8')]
        : [],
  );
}
const code = sources(APP).join('\n');

describe('workspace message catalogues', () => {
  it('when a message is in English, then it is in Simplified Chinese too, and the other way round', () => {
    expect(keys(zh).sort()).toEqual(keys(en).sort());
  });

  it('when the code asks for a message, then both catalogues have it', () => {
    const literal = [...code.matchAll(/\bt\(\s*'([^'$]+)'/g)].map((m) => m[1]!);
    const navKeys = [...code.matchAll(/key: '([a-z]+\.[A-Za-z]+)'/g)].map((m) => m[1]!);
    const used = [...new Set([...literal, ...navKeys])];
    expect(used.length).toBeGreaterThan(100);
    const missing = used.filter((key) => typeof lookup(en, key) !== 'string' || typeof lookup(zh, key) !== 'string');
    expect(missing).toEqual([]);
  });

  it('when the code names a group of labels (stages, roles…), then both catalogues have that group', () => {
    const groups = [...new Set([...code.matchAll(/\blabel\(\s*'([A-Za-z]+)'/g)].map((m) => m[1]!))];
    expect(groups).toContain('stages');
    const missing = groups.filter((g) => typeof lookup(en, g) !== 'object' || typeof lookup(zh, g) !== 'object');
    expect(missing).toEqual([]);
  });

  it('when leadflow writes a reason or a task title as a code, then both catalogues word every code', () => {
    const wanted = [
      ...REASON_CODES.map((c) => `reasons.${c}`),
      ...TASK_TITLE_CODES.map((c) => `taskTitles.${c}`),
      ...STAGE_WARNING_CODES.map((c) => `stageWarnings.${c}`),
    ];
    const missing = wanted.filter((key) => typeof lookup(en, key) !== 'string' || typeof lookup(zh, key) !== 'string');
    expect(missing).toEqual([]);
    // And no catalogue entry is left for a code that no longer exists.
    expect(Object.keys(en.reasons as Catalogue).sort()).toEqual([...REASON_CODES].sort());
    expect(Object.keys(en.taskTitles as Catalogue).sort()).toEqual([...TASK_TITLE_CODES].sort());
    expect(Object.keys(en.stageWarnings as Catalogue).sort()).toEqual([...STAGE_WARNING_CODES].sort());
  });

  it('when a Chinese message is shown, then it is Chinese, not an English string copied across', () => {
    const copied = keys(en).filter((key) => {
      const english = lookup(en, key) as string;
      return english === lookup(zh, key) && /[a-z]{4,}/.test(english.replace(/\{\{\w+\}\}/g, ''));
    });
    // Names that are the same in both (product and acronyms) are listed here on purpose.
    expect(copied.filter((key) => !['app.title', 'roles.revops', 'spin.situation'].includes(key))).toEqual([]);
  });
});
