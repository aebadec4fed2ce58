import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * Workflow code must replay deterministically. The ESLint fence (eslint.config.js) is what
 * enforces that; these cases prove it rejects each kind of violation in a workflow file.
 */
const eslint = new ESLint({ cwd: process.cwd() });
const workflowFile = 'workflows/leadJourney.ts';
const original = readFileSync(workflowFile, 'utf8');

async function violationsIn(extraCode: string, file = workflowFile): Promise<string[]> {
  const [result] = await eslint.lintText(`${extraCode}\n${original}`, { filePath: file });
  return (result?.messages ?? [])
    .filter((message) => message.severity === 2)
    .map((message) => `${message.ruleId}: ${message.message}`);
}

describe('determinism lint for workflow code', () => {
  it('when a workflow is left as is, then it passes', async () => {
    expect(await violationsIn('')).toEqual([]);
  });

  it.each([
    [
      'a Node built-in',
      "import { readFileSync } from 'node:fs';\nexport const leak = readFileSync;",
      'Node built-ins are not allowed',
    ],
    ['a bare Node built-in', "import path from 'path';\nexport const leak = path;", 'Node built-ins are not allowed'],
    [
      'the database client',
      "import { createDb } from '../src/db/client';\nexport const leak = createDb;",
      'may not import I/O modules',
    ],
    ['YAML parsing', "import { parse } from 'yaml';\nexport const leak = parse;", 'may not import I/O modules'],
    [
      'the rules loader',
      "import { loadRulesetFromDir } from '../src/rules/load-dir';\nexport const leak = loadRulesetFromDir;",
      'may not import I/O modules',
    ],
    [
      'activities as values',
      "import { createActivities } from '../activities';\nexport const leak = createActivities;",
      'Import activities as types only',
    ],
    ['the wall clock', 'export const leak = () => Date.now();', 'must not read the wall clock'],
    ['Math.random', 'export const leak = () => Math.random();', 'Non-deterministic'],
    ['setTimeout', 'export const leak = () => setTimeout(() => {}, 10);', 'durable timers'],
    ['the environment', 'export const leak = () => process.env.X;', 'must not read process state'],
  ])('when a workflow uses %s, then lint fails', async (_what, code, expected) => {
    const violations = await violationsIn(code);
    expect(violations.join('\n')).toContain(expected);
  });

  it('when an activity floats a promise, then lint fails', async () => {
    const [result] = await eslint.lintText(
      'async function send(): Promise<void> {}\nexport function run(): void { send(); }\n',
      { filePath: 'activities/leads.ts' },
    );
    expect(result?.messages.map((message) => message.ruleId)).toContain('@typescript-eslint/no-floating-promises');
  });
});
