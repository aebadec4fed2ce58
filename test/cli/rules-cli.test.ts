/**
 * The real `leadflow` executable, run as RevOps runs it from a terminal: exit codes, which
 * stream the output goes to, and `$LEADFLOW_RULES_DIR` as the default folder. The wording of
 * each subcommand's output is covered in-process by test/rules/cli-and-api.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULE_KINDS } from '../../src/rules/types';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'src/cli/bin.js');
const SHIPPED_RULES = path.join(ROOT, 'rules');
const BROKEN_RULES = path.join(ROOT, 'test/rules/fixtures/broken');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `leadflow rules <args>` in a child process from the repository root. */
function leadflowRules(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'rules', ...args],
      { cwd: ROOT, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'leadflow-cli-e2e-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('leadflow rules (the executable)', () => {
  it('when check runs with no folder, then it checks $LEADFLOW_RULES_DIR, exits 0 and lists every rule file', async () => {
    const run = await leadflowRules(['check'], { LEADFLOW_RULES_DIR: SHIPPED_RULES });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^✓ ${SHIPPED_RULES} is valid: version [0-9a-f]{16}\\n`));
    for (const kind of RULE_KINDS) expect(run.stdout).toMatch(new RegExp(`^  ${kind}\\.yaml +[0-9a-f]{16}$`, 'm'));
  });

  it('when check runs on a broken copy of every file, then it exits 1 and prints file:line:col problems for each file on stderr', async () => {
    const run = await leadflowRules(['check', BROKEN_RULES]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    for (const kind of RULE_KINDS)
      expect(run.stderr).toMatch(new RegExp(`^${BROKEN_RULES}/${kind}\\.yaml:\\d+:\\d+: `, 'm'));
    expect(run.stderr).toContain(
      `${BROKEN_RULES}/scoring.yaml:24:23: attributes[0].tiers[1].when.fact: unknown fact "company.employes" (did you mean "company.employees"?)`,
    );
    expect(run.stderr).toMatch(/✗ \d+ problems in .*: these rules would NOT be activated/);
  });

  it('when test runs on the shipped rules, then every case passes, the tally says so, and it exits 0', async () => {
    const run = await leadflowRules(['test', SHIPPED_RULES]);
    expect(run.code).toBe(0);
    const passedLines = run.stdout.split('\n').filter((line) => line.startsWith('✓ '));
    expect(passedLines.length).toBeGreaterThan(RULE_KINDS.length);
    expect(run.stdout).not.toContain('✗');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`${passedLines.length} passed`);
  });

  it('when explain is given a lead file, then it says in words what each file decided and which version decided it', async () => {
    const version = /version ([0-9a-f]{16})/.exec((await leadflowRules(['check', SHIPPED_RULES])).stdout)?.[1];
    const lead = path.join(scratch, 'lead.json');
    await writeFile(
      lead,
      JSON.stringify({
        company: { employees: 1200, industry: 'software', country: 'US', region: 'north-america' },
        contact: { seniority: 'vp' },
        source: { channel: 'ads' },
        behaviours: [{ type: 'pricing-page-visit', at: '2025-03-10T14:00:00Z' }],
      }),
    );

    const run = await leadflowRules(['explain', '--facts', lead, '--now', '2025-03-10T15:00:00Z'], {
      LEADFLOW_RULES_DIR: SHIPPED_RULES,
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Score 85: reaches the MQL threshold of 80.');
    expect(run.stdout).toContain('+15 pricing-page-visit: 1 × 15');
    expect(run.stdout).toContain('Routed by rule "enterprise-north-america" to pool enterprise-na');
    expect(run.stdout).toContain('Enrolled in cadence mql-standard by rule "everyone-else"');
    expect(version).toBeDefined();
    expect(run.stdout.match(new RegExp(`decided by rules version ${version} `, 'g'))).toHaveLength(3);
  });

  it('when schema runs with --out, then that folder holds one JSON Schema per file kind, equal to the shipped ones', async () => {
    const out = path.join(scratch, 'schema');
    const run = await leadflowRules(['schema', '--out', out]);
    expect(run.code).toBe(0);
    const written = (await readdir(out)).sort();
    expect(written).toEqual(RULE_KINDS.map((kind) => `${kind}.schema.json`).sort());
    for (const name of written) {
      expect(await readFile(path.join(out, name), 'utf8')).toBe(
        await readFile(path.join(SHIPPED_RULES, 'schema', name), 'utf8'),
      );
    }
  });

  it('when the subcommand is unknown, then it exits 2 and shows the usage', async () => {
    const run = await leadflowRules(['chek']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown rules command "chek"');
    expect(run.stderr).toContain('leadflow rules check [dir]');
  });
});
