/** `leadflow rules …` and `/api/rules`, as a RevOps person and an editor plug-in use them. */
import { mkdtemp, readFile, rm, writeFile, cp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/api/errors';
import { rulesRoutes } from '../../src/api/rules-routes';
import type { Actor, AuthenticatedRequest } from '../../src/auth/actor';
import { rulesCommand } from '../../src/cli/rules-command';
import { RULE_KINDS } from '../../src/rules/types';
import { createLogger } from '../../src/logger';
import { RuleRegistry } from '../../src/rules/registry';
import { InMemoryRuleVersionStore } from '../../src/rules/version-store';
import { FIXTURES_DIR, RULES_DIR } from './support/rulesets';

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const code = await rulesCommand(args, { stdout, stderr });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'leadflow-cli-'));
  await cp(RULES_DIR, join(dir, 'rules'), { recursive: true });
  await cp(RULES_DIR, join(dir, 'broken'), { recursive: true });
  await cp(join(FIXTURES_DIR, 'broken', 'routing.yaml'), join(dir, 'broken', 'routing.yaml'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('leadflow rules', () => {
  it('when the rules are valid, then check exits 0 and prints the version', async () => {
    const { code, stdout } = await run('check', join(dir, 'rules'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/is valid: version [0-9a-f]{16}/);
  });

  it('when a file is broken, then check exits 1 and prints each problem as file:line:col', async () => {
    const { code, stderr } = await run('check', join(dir, 'broken'));
    expect(code).toBe(1);
    expect(stderr).toContain(`${join(dir, 'broken')}/routing.yaml:92:5: rules[1].asign: unknown key "asign" (did you mean "assign"?)`);
    expect(stderr).toContain('✗ 6 problems');
  });

  it('when a test case fails, then test exits 1 and shows the difference', async () => {
    const rules = join(dir, 'rules');
    const text = await readFile(join(rules, 'approvals.yaml'), 'utf8');
    await writeFile(join(rules, 'approvals.yaml'), text.replace('expect: { tier: manager-authority, chain: [manager] }', 'expect: { tier: manager-authority, chain: [director] }'));
    const { code, stdout } = await run('test', rules);
    await writeFile(join(rules, 'approvals.yaml'), text);
    expect(code).toBe(1);
    expect(stdout).toContain(`✗ ${rules}/approvals.yaml:160 15% needs the manager`);
    expect(stdout).toContain('    - expected chain: ["director"]\n    + actual   chain: ["manager"]');
    expect(stdout).toMatch(/1 failed, \d+ passed/);
  });

  it('when explain is given a lead, then it prints the decision, why, and the version', async () => {
    const facts = join(dir, 'lead.json');
    await writeFile(facts, JSON.stringify({ company: { employees: 450, region: 'emea' }, source: { channel: 'events' } }));
    const { code, stdout } = await run('explain', '--facts', facts, '--kind', 'routing', '--dir', join(dir, 'rules'));
    expect(code).toBe(0);
    expect(stdout).toContain('Routed by rule "mid-market" to pool mid-market (round-robin over 3 reps, at most 40 open leads each).');
    expect(stdout).toContain('✓ company.employees is at least 200 (seen: 450)');
    expect(stdout).toMatch(/decided by rules version [0-9a-f]{16} \(routing\.yaml [0-9a-f]{16}\)/);
  });

  it('when explain is given facts with a misspelt key, then it says which and exits 1', async () => {
    const facts = join(dir, 'bad-lead.json');
    await writeFile(facts, JSON.stringify({ company: { employes: 450 } }));
    const { code, stderr } = await run('explain', '--facts', facts, '--dir', join(dir, 'rules'));
    expect(code).toBe(1);
    expect(stderr).toContain('company: Unrecognized key: "employes"');
  });

  it('when schema is run, then it writes one JSON Schema per file kind', async () => {
    const { code, stdout } = await run('schema', '--out', join(dir, 'schema-out'));
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(RULE_KINDS.length);
    const routing = JSON.parse(await readFile(join(dir, 'schema-out', 'routing.schema.json'), 'utf8')) as { title: string };
    expect(routing.title).toBe('leadflow lead routing rules');
  });
});

describe('/api/rules', () => {
  let base: string;
  let close: () => void;
  let version: string;
  const store = new InMemoryRuleVersionStore();

  beforeAll(async () => {
    const registry = new RuleRegistry({ dir: join(dir, 'rules'), store, logger: { info() {}, warn() {}, error() {} }, watch: false });
    await registry.start();
    version = registry.active().version;
    // The API's authentication sets the caller; the version routes read its tenant.
    const revops: Actor = { tenant: 't', email: 'revops@x.io', name: 'RevOps', role: 'revops', scopes: ['read', 'write', 'admin'], kind: 'person', tokenId: 'tk' };
    const app = express()
      .use(express.json())
      .use((req: AuthenticatedRequest, _res, next) => {
        req.actor = revops;
        next();
      })
      .use('/api/rules', rulesRoutes({ registry, store }))
      .use(errorHandler(createLogger('silent')));
    const server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/rules`;
    close = () => server.close();
  });
  afterAll(() => close());

  it('when the status is asked for, then it lists the active version and its files', async () => {
    const response = await fetch(base);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ state: 'ok', activeVersion: version, files: expect.arrayContaining([expect.objectContaining({ name: 'routing.yaml' })]) as unknown });
  });

  it('when an editor validates a broken file, then it gets the diagnostics with positions', async () => {
    const text = await readFile(join(FIXTURES_DIR, 'broken', 'cadences.yaml'), 'utf8');
    const response = await fetch(`${base}/validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fileName: 'cadences.yaml', text }) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { valid: boolean; diagnostics: { line: number; col: number; code: string }[] };
    expect(body.valid).toBe(false);
    expect(body.diagnostics[0]).toMatchObject({ line: 18, col: 35, code: 'unknown-value' });
  });

  it("when an editor validates a file whose own tests fail, then it is not valid and each failing expectation has its position", async () => {
    const text = (await readFile(join(dir, 'rules', 'scoring.yaml'), 'utf8')).replace('  threshold: 80', '  threshold: 90');
    const response = await fetch(`${base}/validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fileName: 'scoring.yaml', text }) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { valid: boolean; messages: string[] };
    expect(body.valid).toBe(false);
    expect(body.messages).toEqual([
      'scoring.yaml:163:31: tests[1].expect.mql: test "the same lead becomes an MQL after visiting the pricing page" fails: expected mql true, the rules decide false (Score 85: is below the MQL threshold of 90; fix the rule or this test)',
      'scoring.yaml:184:31: tests[3].expect.mql: test "behaviour points halve after 30 days and vanish after 180" fails: expected mql true, the rules decide false (Score 80: is below the MQL threshold of 90; fix the rule or this test)',
    ]);
  });

  it('when the validate request has no kind and an unknown file name, then it is a 400 with field messages', async () => {
    const response = await fetch(`${base}/validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fileName: 'notes.yaml', text: 'a: 1' }) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'validation_failed', fields: [{ path: 'kind' }] } });
  });

  it('when a stored version is asked for, then its exact texts come back; an unknown one is a 404', async () => {
    const found = await fetch(`${base}/versions/${version}`);
    expect(found.status).toBe(200);
    expect(((await found.json()) as { files: Record<string, string> }).files['routing.yaml']).toBe(await readFile(join(dir, 'rules', 'routing.yaml'), 'utf8'));
    const missing = await fetch(`${base}/versions/0123456789abcdef`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('when the stored versions are listed, then they come newest first, a page at a time, with file names and no texts', async () => {
    const texts = { 'scoring.yaml': 'a', 'routing.yaml': 'b' };
    await store.save({ hash: 'aaaa0000aaaa0000', files: texts, createdAt: new Date('2020-01-01T00:00:00Z'), summary: 'old' });
    await store.save({ hash: 'bbbb0000bbbb0000', files: texts, createdAt: new Date('2020-01-01T00:00:00Z'), summary: null });
    const first = await fetch(`${base}/versions?limit=2`);
    expect(first.status).toBe(200);
    const page = (await first.json()) as { versions: { hash: string; files: string[]; activatedAt: string | null }[]; next: string | null };
    expect(page.versions.map((v) => v.hash)).toEqual([version, 'bbbb0000bbbb0000']); // same instant: by hash, descending
    expect(page.versions[0]!.files).toContain('routing.yaml');
    expect(page.versions[0]!.activatedAt).not.toBeNull();
    expect(page.versions[1]).toMatchObject({ files: ['routing.yaml', 'scoring.yaml'], activatedAt: null, summary: null });
    expect(page.next).toBe('bbbb0000bbbb0000');
    const second = (await (await fetch(`${base}/versions?limit=2&after=${page.next}`)).json()) as typeof page;
    expect(second).toEqual({
      versions: [{ hash: 'aaaa0000aaaa0000', createdAt: '2020-01-01T00:00:00.000Z', activatedAt: null, summary: 'old', files: ['routing.yaml', 'scoring.yaml'] }],
      next: null,
    });
  });

  it('when the versions page is asked for wrongly, then a bad limit is a 400 naming the field and an unknown `after` a 404', async () => {
    const bad = await fetch(`${base}/versions?limit=0`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'validation_failed', fields: [{ path: expect.stringMatching(/limit$/) as unknown }] } });
    expect((await fetch(`${base}/versions?after=0123456789abcdef`)).status).toBe(404);
  });
});
