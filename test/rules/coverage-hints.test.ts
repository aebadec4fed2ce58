/**
 * Coverage hints of `leadflow rules test`: a threshold or boundary no test case comes near is
 * named at its file:line:col, as a warning; the tests still pass.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesCommand } from '../../src/cli/rules-command';
import { coverageHints } from '../../src/rules/coverage-hints';
import { formatDiagnostic } from '../../src/rules/types';
import { RULES_DIR, rulesetWith, shippedTexts } from './support/rulesets';

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const chunks = { out: [] as string[], err: [] as string[] };
  const stdout = new PassThrough().on('data', (c: Buffer) => chunks.out.push(c.toString()));
  const stderr = new PassThrough().on('data', (c: Buffer) => chunks.err.push(c.toString()));
  const code = await rulesCommand(args, { stdout, stderr });
  return { code, stdout: chunks.out.join(''), stderr: chunks.err.join('') };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'leadflow-hints-'));
  await cp(RULES_DIR, dir, { recursive: true });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('coverage hints', () => {
  it('when the MQL threshold is lowered to 75, then rules test passes and warns that no case scores between 70 and 80', async () => {
    const scoring = join(dir, 'scoring.yaml');
    const text = await readFile(scoring, 'utf8');
    await writeFile(scoring, text.replace('  threshold: 80', '  threshold: 75'));
    try {
      const { code, stdout, stderr } = await run('test', dir);
      expect(code).toBe(0);
      expect(stdout).not.toContain('✗');
      const line = text.split('\n').findIndex((l) => l === '  threshold: 80') + 1;
      expect(stderr).toContain(`${dir}/scoring.yaml:${line}:14: warning: MQL threshold 75: no test case with a score between 70 and 80`);
    } finally {
      await writeFile(scoring, text);
    }
    // At the shipped 80, cases score 80 and 85: covered.
    expect((await run('test', dir)).stderr).not.toContain('MQL threshold');
  });

  it('when a routing or approval boundary has a case near it, then it is not named; without one, it is', async () => {
    const shipped = await shippedTexts();
    const hints = (replacements: Record<string, string> = {}) =>
      rulesetWith(replacements).then((ruleset) => coverageHints(ruleset, 'rules').map(formatDiagnostic));
    const before = await hints();
    expect(before).toContainEqual(
      expect.stringMatching(/^rules\/routing\.yaml:\d+:\d+: warning: rule mid-market: company\.employees >= 200: no test case with company\.employees between 180 and 220$/),
    );
    expect(before).toContainEqual(
      expect.stringMatching(/^rules\/approvals\.yaml:\d+:\d+: warning: tier manager-authority: discount upTo 20: no test case with quote\.discountPct between 18 and 22$/),
    );
    const routing = `${shipped['routing.yaml']!}\n  - name: a mid-market company at the boundary\n    facts: { company: { employees: 200, region: emea } }\n    expect: { rule: mid-market, pool: mid-market }\n`;
    const approvals = shipped['approvals.yaml']!.replace(
      /\ntests:\n/,
      '\ntests:\n  - name: twenty percent is still the manager\n    quote: { discountPct: 20, dealSize: 10000 }\n    expect: { tier: manager-authority, chain: [manager] }\n',
    );
    const after = await hints({ 'routing.yaml': routing, 'approvals.yaml': approvals });
    expect(after.some((h) => h.includes('rule mid-market: company.employees >= 200'))).toBe(false);
    expect(after.some((h) => h.includes('discount upTo 20'))).toBe(false);
    expect(after.length).toBe(before.length - 2);
  });
});
