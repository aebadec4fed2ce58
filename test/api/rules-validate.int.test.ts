/**
 * `POST /api/rules/validate` as an editor plug-in calls it on the running system: a rule file's
 * text in, `file:line:col` diagnostics out; a malformed request is a 400 naming the field, never a 500.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/database';
import { http, startTestSystem, type TestSystem } from '../support/system';

const shipped = (file: string) => readFile(path.resolve('rules', file), 'utf8');

describe.each(providers)('POST /api/rules/validate on %s', (provider) => {
  let system: TestSystem;
  let validate: string;
  beforeAll(async () => {
    system = await startTestSystem(provider);
    validate = `${system.url}/api/rules/validate`;
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('when the text of a shipped file is sent, then it is valid with no diagnostics', async () => {
    const response = await http(validate, { body: { fileName: 'scoring.yaml', text: await shipped('scoring.yaml') } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ valid: true, kind: 'scoring', diagnostics: [], messages: [] });
  });

  it('when a fact is misspelt, then the diagnostic has file:line:col and a did-you-mean hint', async () => {
    const text = (await shipped('scoring.yaml')).replace(
      'fact: company.employees, op: ">=", value: 1000',
      'fact: company.employes, op: ">=", value: 1000',
    );
    const response = await http(validate, { body: { fileName: 'scoring.yaml', text } });
    expect(response.status).toBe(200);
    expect(response.body.valid).toBe(false);
    expect(response.body.messages).toEqual([
      'scoring.yaml:21:23: attributes[0].tiers[0].when.fact: unknown fact "company.employes" (did you mean "company.employees"?)',
    ]);
    expect(response.body.diagnostics[0]).toMatchObject({
      file: 'scoring.yaml',
      line: 21,
      col: 23,
      severity: 'error',
      hint: 'did you mean "company.employees"?',
    });
  });

  it('when an escalation file names a queue the active routing file lacks, then that is reported with its position', async () => {
    const text = await shipped('escalation.yaml');
    const queue = /queue: ([a-z-]+)/.exec(text)?.[1];
    if (!queue) throw new Error('test setup: no "queue:" in the shipped escalation.yaml');
    const response = await http(validate, {
      body: { kind: 'escalation', text: text.replace(`queue: ${queue}`, 'queue: nowhere-queue') },
    });
    expect(response.status).toBe(200);
    expect(response.body.valid).toBe(false);
    expect(response.body.messages).toEqual([expect.stringMatching(/^escalation\.yaml:\d+:\d+: .*"nowhere-queue"/)]);
  });

  it('when the YAML itself is broken, then it is a diagnostic with a position, not an error', async () => {
    const response = await http(validate, {
      body: { kind: 'routing', text: 'rules:\n  - name: "unclosed\n    assign: [' },
    });
    expect(response.status).toBe(200);
    expect(response.body.valid).toBe(false);
    expect(response.body.messages[0]).toMatch(/^routing\.yaml:\d+:\d+: /);
  });

  it.each([
    ['no body at all', { rawBody: '' }, 'text'],
    ['text is missing', { body: { kind: 'scoring' } }, 'text'],
    ['text is not a string', { body: { kind: 'scoring', text: 42 } }, 'text'],
    ['the kind is unknown', { body: { kind: 'scorin', text: 'a: 1' } }, 'kind'],
    ['neither kind nor a known file name is given', { body: { fileName: 'notes.yaml', text: 'a: 1' } }, 'kind'],
    ['an unknown field is sent', { body: { kind: 'scoring', text: 'a: 1', yaml: 'a: 1' } }, '(body)'],
    ['the body is a list', { body: [{ kind: 'scoring', text: 'a: 1' }] }, '(body)'],
  ])('when %s, then it is a 400 naming the field', async (_case, request, field) => {
    const response = await http(validate, { method: 'POST', ...request });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.fields).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: field, message: expect.any(String) as unknown })]),
    );
  });

  it('when the body is not JSON, then it is a 400 that says so', async () => {
    const response = await http(validate, { rawBody: '{"kind": "scoring", "text": ' });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'malformed_json',
      message: expect.stringContaining('not valid JSON') as unknown,
    });
  });

  it('when the text is larger than a request may be, then it is a 413, not a 500', async () => {
    const response = await http(validate, { body: { kind: 'scoring', text: `# ${'x'.repeat(300 * 1024)}` } });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
  });
});
