import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Imports go one way. The ESLint rules (eslint.config.js) are what enforce that: import-x/no-cycle
 * everywhere, and import-x/no-restricted-paths keeping the lower layers (auth, domain, rules, db,
 * email) from importing the use cases, the API or the CLI. These cases prove the rules fire, and so
 * that the resolver finds our extensionless .ts imports (a resolver that finds nothing reports no
 * cycle at all).
 *
 * Only those two rules are run, and without type information: neither needs it, and building the
 * TypeScript program for the type-aware rules took most of this file's time (18 s of 27 s in CI).
 * The configuration is otherwise the project's own (resolver, layer zones, cycle options).
 */
const CHECKED_RULES = new Set(['import-x/no-cycle', 'import-x/no-restricted-paths']);
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => CHECKED_RULES.has(ruleId),
});

function errorsOf(results: ESLint.LintResult[], ruleId: string): string[] {
  return results
    .flatMap((result) => result.messages.map((message) => ({ ...message, file: result.filePath })))
    .filter((message) => message.severity === 2 && message.ruleId === ruleId)
    .map((message) => `${path.relative(process.cwd(), message.file)}: ${message.message}`);
}

async function lintWithExtra(file: string, extraCode: string, ruleId: string): Promise<string[]> {
  const original = readFileSync(file, 'utf8');
  return errorsOf(await eslint.lintText(`${extraCode}\n${original}`, { filePath: file }), ruleId);
}

describe('no import cycles', () => {
  // The rule follows imports through the files on disk, so the pair is written to a temporary
  // folder inside the TypeScript project (typed linting needs its files to be in it).
  let dir: string;
  const write = (name: string, code: string) => writeFileSync(path.join(dir, name), code);

  beforeAll(() => {
    dir = mkdtempSync(path.join('test', 'lint', 'cycle-probe-'));
    write('chicken.ts', "import { egg } from './egg';\nexport const chicken = (): string => `chicken of ${egg()}`;\n");
    write('egg.ts', "import { chicken } from './chicken';\nexport const egg = (): string => `egg of ${chicken()}`;\n");
    write('hen.ts', "import type { Rooster } from './rooster';\nexport interface Hen {\n  mate?: Rooster;\n}\n");
    write('rooster.ts', "import type { Hen } from './hen';\nexport interface Rooster {\n  mate?: Hen;\n}\n");
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('when two files import each other, then lint fails on both', async () => {
    const results = await eslint.lintFiles([path.join(dir, 'chicken.ts'), path.join(dir, 'egg.ts')]);
    expect(errorsOf(results, 'import-x/no-cycle')).toEqual([
      `${path.join(dir, 'chicken.ts')}: Dependency cycle detected`,
      `${path.join(dir, 'egg.ts')}: Dependency cycle detected`,
    ]);
  });

  it('when two files import each other as types only, then lint lets it pass (types vanish at runtime)', async () => {
    const results = await eslint.lintFiles([path.join(dir, 'hen.ts'), path.join(dir, 'rooster.ts')]);
    expect(errorsOf(results, 'import-x/no-cycle')).toEqual([]);
  });

  it('when a journey step imports the step that imports it (through others), then lint fails', async () => {
    // facts.ts is imported by scoring.ts, and by mql.ts, which scoring.ts imports.
    const errors = await lintWithExtra(
      'workflows/journey/facts.ts',
      "import { rescore } from './scoring';\nexport const leak = rescore;",
      'import-x/no-cycle',
    );
    expect(errors.join('\n')).toContain('Dependency cycle');
  });

  it('when the code is left as is, then it has no cycle', async () => {
    const errors = await lintWithExtra('workflows/leadJourney.ts', '', 'import-x/no-cycle');
    expect(errors).toEqual([]);
  });
});

describe('layering: lower layers do not import use cases, the API or the CLI', () => {
  it.each([
    ['src/auth/actor.ts', "import { savePerson } from '../usecases/people';\nexport const leak = savePerson;"],
    ['src/domain/lead.ts', "import type { PersonUpdate } from '../usecases/people';\nexport type Leak = PersonUpdate;"],
    ['src/rules/duration.ts', "import { createApp } from '../api/app';\nexport const leak = createApp;"],
    [
      'src/db/database-target.ts',
      "import { startRules } from '../cli/rules-runtime';\nexport const leak = startRules;",
    ],
    ['src/email/mailer.ts', "import { listAudit } from '../usecases/audit-query';\nexport const leak = listAudit;"],
  ])('when %s imports upwards, then lint fails', async (file, code) => {
    const errors = await lintWithExtra(file, code, 'import-x/no-restricted-paths');
    expect(errors.join('\n')).toContain('Lower layers may not depend on use cases, the API or the CLI');
  });

  it('when a use case imports auth, then lint lets it pass', async () => {
    const errors = await lintWithExtra('src/usecases/people.ts', '', 'import-x/no-restricted-paths');
    expect(errors).toEqual([]);
  });
});
