import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/database';
import { bearer, createPersonToken, http, startTestSystem, type TestSystem } from '../support/system';

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

  it('when the workspace asks for the labels, then it gets what the active files label, by kind and name', async () => {
    const labels = await http(`${system.url}/api/rules/labels`);
    expect(labels.status).toBe(200);
    expect(labels.body).toMatchObject({
      tiers: { 'manager-authority': { en: 'Manager authority', 'zh-CN': '经理审批权限' } },
      queues: { 'unassigned-mql': { en: 'Unassigned MQLs', 'zh-CN': '未分配的 MQL' } },
    });
  });

  it('when the workspace revalidates the labels with their ETag, then an unchanged version answers 304 without a body, and a stale one the labels', async () => {
    const version = (await http(`${system.url}/api/rules`)).body.activeVersion as string;
    const first = await http(`${system.url}/api/rules/labels`);
    expect(first.headers.get('etag')).toBe(`"${version}"`);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');

    const unchanged = await http(`${system.url}/api/rules/labels`, { headers: { 'if-none-match': `"${version}"` } });
    expect(unchanged).toMatchObject({ status: 304, body: undefined });
    const stale = await http(`${system.url}/api/rules/labels`, { headers: { 'if-none-match': '"0123456789abcdef"' } });
    expect(stale.status).toBe(200);
    expect(stale.body.rulesetVersion).toBe(version);
    // The ETag opens nothing: without a token it is still a 401.
    const anonymous = await http(`${system.url}/api/rules/labels`, {
      anonymous: true,
      headers: { 'if-none-match': `"${version}"` },
    });
    expect(anonymous.status).toBe(401);
  });

  it('when an unknown version is requested, then 404', async () => {
    expect((await http(`${system.url}/api/rules/versions/0123456789abcdef`)).status).toBe(404);
  });

  it("when another tenant's shadow stored a version, then it is not listed or readable here, unless it went live or this tenant ran it too", async () => {
    const db = system.database.db;
    const at = new Date('2025-05-05T10:00:00Z');
    const active = (await http(`${system.url}/api/rules`)).body.activeVersion as string;
    const files = (await http(`${system.url}/api/rules/versions/${active}`)).body.files as Record<string, string>;
    const version = (hash: string, activatedAt: Date | null = null) =>
      db.ruleVersion.create({ data: { hash, files, createdAt: at, activatedAt } });
    const shadow = (n: number, tenant: string, versionHash: string) =>
      db.ruleShadow.create({
        data: { id: `sh_vis${n}`, tenant, versionHash, startedBy: 'x@y.z', startedAt: at, reason: 'r', endedAt: at },
      });
    const theirs = 'a1a1a1a1a1a1a1a1';
    const bothShadowed = 'b2b2b2b2b2b2b2b2';
    const wentLive = 'c3c3c3c3c3c3c3c3';
    const backtestedHere = 'd4d4d4d4d4d4d4d4';
    await version(theirs);
    await version(bothShadowed);
    await version(wentLive, at);
    await version(backtestedHere);
    for (const [n, hash] of [theirs, bothShadowed, wentLive, backtestedHere].entries())
      await shadow(n, 'vis-other', hash);
    await shadow(9, system.config.tenant, bothShadowed);
    await db.backtestJob.create({
      data: {
        id: 'bt_00000000-0000-4000-8000-0000000000f1',
        tenant: system.config.tenant,
        status: 'done',
        candidate: {},
        candidateVersion: backtestedHere,
        activeVersion: active,
        kinds: 'scoring',
        createdAt: at,
        heartbeatAt: at,
        finishedAt: at,
      },
    });

    const listed = async (token?: string) => {
      const page = await http(`${system.url}/api/rules/versions?limit=100`, token ? { headers: bearer(token) } : {});
      expect(page.status).toBe(200);
      return (page.body.versions as { hash: string }[]).map((v) => v.hash);
    };
    const here = await listed();
    expect(here).toEqual(expect.arrayContaining([active, bothShadowed, wentLive, backtestedHere]));
    expect(here).not.toContain(theirs);
    expect((await http(`${system.url}/api/rules/versions/${theirs}`)).status).toBe(404);
    expect((await http(`${system.url}/api/rules/diff?from=${active}&to=${theirs}`)).status).toBe(404);
    expect((await http(`${system.url}/api/rules/diff?from=${active}&to=${wentLive}`)).status).toBe(200);
    // The tenant whose shadow stored it sees it.
    const other = await createPersonToken(db, 'vis-other', 'olga@other.example', 'revops');
    expect(await listed(other)).toContain(theirs);
    expect((await http(`${system.url}/api/rules/versions/${theirs}`, { headers: bearer(other) })).status).toBe(200);
  });
});
