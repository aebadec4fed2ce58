/**
 * The shipped rule files: they load, each `tests:` case passes (this is how `npm test`
 * runs them), they point editors at their JSON Schema, and the committed schemas are
 * current.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemaFiles } from '../../src/rules/json-schema';
import { runRuleTests } from '../../src/rules/rule-tests';
import { RULE_KINDS } from '../../src/rules/types';
import { RULES_DIR, rulesetWith } from './support/rulesets';

const ruleset = await rulesetWith();
const cases = runRuleTests(ruleset);

describe('shipped rules/*.yaml tests: blocks', () => {
  it('when the shipped files are loaded, then every file has test cases', () => {
    for (const kind of RULE_KINDS) expect(cases.filter((c) => c.kind === kind).length).toBeGreaterThanOrEqual(3);
  });

  it.each(cases.map((c) => [`${c.file}:${c.line} ${c.name}`, c] as const))('when %s, then the rules decide as the test expects', (_label, result) => {
    expect(result.diff).toEqual([]);
    expect(result.passed).toBe(true);
  });
});

describe('shipped files and their JSON Schemas', () => {
  it.each(RULE_KINDS)('when an editor opens %s.yaml, then its first line points at its schema', async (kind) => {
    const text = await readFile(join(RULES_DIR, `${kind}.yaml`), 'utf8');
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=./schema/${kind}.schema.json`);
  });

  it('when the schemas are regenerated, then they equal the committed rules/schema files', async () => {
    for (const [name, text] of Object.entries(jsonSchemaFiles())) {
      expect(await readFile(join(RULES_DIR, 'schema', name), 'utf8'), `${name} is stale: run leadflow rules schema`).toBe(text);
    }
  });
});
