import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/database';
import { http, startTestSystem, type TestSystem } from '../support/system';

describe.each(providers)('rule versions through the API on %s', (provider) => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem(provider);
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('when the system starts, then the shipped rules are active and their exact text is stored in the database', async () => {
    const status = await http(`${system.url}/api/rules`);
    expect(status.status).toBe(200);
    expect(status.body.state).toBe('ok');
    const version = status.body.activeVersion as string;
    expect(version).toMatch(/^[0-9a-f]{16}$/);

    const stored = await system.database.db.ruleVersion.findUnique({ where: { hash: version } });
    const files = stored?.files as Record<string, string>;
    const shippedScoring = readFileSync(path.resolve('rules/scoring.yaml'), 'utf8');
    expect(Object.values(files)).toContain(shippedScoring);

    const byHash = await http(`${system.url}/api/rules/versions/${version}`);
    expect(byHash.status).toBe(200);
    expect(JSON.stringify(byHash.body)).toContain(JSON.stringify(shippedScoring).slice(1, 200));

    const health = await http(`${system.url}/health`);
    expect(health.body.checks.rules).toMatchObject({ status: 'up', activeVersion: version });
  });

  it('when an unknown version is requested, then 404', async () => {
    expect((await http(`${system.url}/api/rules/versions/0123456789abcdef`)).status).toBe(404);
  });
});
