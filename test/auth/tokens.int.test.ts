/**
 * People's API tokens through the real system: what a caller sees when the token is missing,
 * unknown, revoked, expired or belongs to an inactive person; who may issue, list and revoke; and
 * that only hashes are stored.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/database';
import { bearer, createPersonToken, http, startTestSystem, type TestSystem } from '../support/system';

const REVOPS = 'rosa.ops@example.com';
const REP = 'ravi.rep@example.com';
const PEER = 'paula.peer@example.com';

describe.each(providers)('API tokens on %s', (provider) => {
  let system: TestSystem;
  let revops: string;
  let rep: string;
  let peer: string;
  const as = (token: string | undefined, path: string, init: { method?: string; body?: unknown } = {}) =>
    http(`${system.url}${path}`, { ...init, ...(token ? { headers: bearer(token) } : {}) });

  beforeAll(async () => {
    system = await startTestSystem(provider);
    revops = await system.personToken(REVOPS, 'revops', { name: 'Rosa Ops' });
    rep = await system.personToken(REP, 'rep', { name: 'Ravi Rep' });
    peer = await system.personToken(PEER, 'rep', { name: 'Paula Peer' });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('when a person calls /api/me with their token, then they see who they are', async () => {
    const me = await as(rep, '/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      tenant: system.config.tenant,
      email: REP,
      name: 'Ravi Rep',
      role: 'rep',
      scopes: ['intake', 'read', 'write'],
      kind: 'person',
      tokenId: expect.stringMatching(/^tok_/),
      language: 'en',
      queues: [],
      installation: true,
    });
  });

  it("when RevOps of another tenant calls /api/me, then it says they are not the installation's (the live rules are not theirs to activate)", async () => {
    const elsewhere = await createPersonToken(system.database.db, 'another-tenant', 'ops@elsewhere.io', 'revops');
    expect((await as(elsewhere, '/api/me')).body).toMatchObject({ tenant: 'another-tenant', installation: false });
  });

  it('when a queue member or revops calls /api/me, then it names the queues whose leads they work (routing.yaml members; revops every queue)', async () => {
    const member = await system.personToken('dana.whitfield@example.com', 'manager', { name: 'Dana Whitfield' });
    expect((await as(member, '/api/me')).body.queues).toEqual(['unassigned-mql']);
    expect((await as(revops, '/api/me')).body.queues).toEqual(['sdr-triage', 'unassigned-mql']);
  });

  it.each<{ when: string; headers: Record<string, string>; message: string }>([
    { when: 'no Authorization header', headers: {}, message: 'This endpoint needs an API token' },
    { when: 'another scheme', headers: { authorization: 'Basic cm9zYTpzZWNyZXQ=' }, message: 'must be "Bearer lf_…"' },
    {
      when: 'a malformed token',
      headers: { authorization: 'Bearer hunter2' },
      message: 'The bearer token is malformed',
    },
    {
      when: 'an unknown token',
      headers: bearer(`lf_${'A'.repeat(43)}`),
      message: 'The API token lf_AAAAA… is unknown',
    },
  ])('when /api/me is called with $when, then 401 says so', async ({ headers, message }) => {
    const response = await http(`${system.url}/api/me`, { headers, anonymous: true });
    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining(message) });
  });

  it('when lead intake and the roster are used without a token, then both answer 401', async () => {
    const intake = await http(`${system.url}/api/leads`, {
      body: { email: 'open@intake.io', source: 'events' },
      anonymous: true,
    });
    expect(intake.status).toBe(401);
    expect((await http(`${system.url}/api/reps`, { anonymous: true })).status).toBe(401);
    expect(await system.database.db.lead.count({ where: { email: 'open@intake.io' } })).toBe(0);
  });

  it('when revops issues a token for a person, then the secret is in the answer once, only its hash is stored, and it works', async () => {
    const issued = await as(revops, `/api/people/${encodeURIComponent('Ravi.Rep@Example.com')}/tokens`, {
      body: { label: 'crm sync', expiresInDays: 30 },
    });
    expect(issued.status).toBe(201);
    expect(issued.body).toEqual({
      id: expect.stringMatching(/^tok_/),
      token: expect.stringMatching(/^lf_[A-Za-z0-9_-]{43}$/),
      prefix: issued.body.token.slice(0, 8),
      label: 'crm sync',
      personEmail: REP,
      kind: 'person',
      scopes: [],
      expiresAt: expect.any(String),
    });
    expect(Date.parse(issued.body.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);

    const row = await system.database.db.apiToken.findUniqueOrThrow({ where: { id: issued.body.id } });
    expect(row).toMatchObject({
      hash: createHash('sha256').update(issued.body.token).digest('hex'),
      prefix: issued.body.prefix,
      createdBy: REVOPS,
    });
    expect(JSON.stringify(row)).not.toContain(issued.body.token);

    expect((await as(issued.body.token, '/api/me')).body).toMatchObject({ email: REP, tokenId: issued.body.id });
    const listed = await as(rep, `/api/people/${REP}/tokens`);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(issued.body.token);
    expect(JSON.stringify(listed.body)).not.toContain(row.hash);
    expect(listed.body.tokens[0]).toEqual({
      id: issued.body.id,
      personEmail: REP,
      kind: 'person',
      scopes: [],
      label: 'crm sync',
      prefix: issued.body.prefix,
      status: 'live',
      createdAt: expect.any(String),
      createdBy: REVOPS,
      lastUsedAt: expect.any(String),
      expiresAt: issued.body.expiresAt,
      revokedAt: null,
    });
  });

  it('when a person issues, lists and revokes their own token, then each works and revoking again changes nothing', async () => {
    const issued = await as(peer, `/api/people/${PEER}/tokens`, { body: { label: 'laptop' } });
    expect(issued.status).toBe(201);
    expect(issued.body.expiresAt).toBeNull();
    expect((await as(peer, `/api/people/${PEER}/tokens`)).body.tokens.map((t: { label: string }) => t.label)).toEqual([
      'laptop',
      'test',
    ]);

    const revoked = await as(peer, `/api/tokens/${issued.body.id}`, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: issued.body.id, status: 'revoked', revokedAt: expect.any(String) });
    const again = await as(revops, `/api/tokens/${issued.body.id}`, { method: 'DELETE' });
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);

    const refused = await as(issued.body.token, '/api/me');
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe(
      `The API token ${issued.body.prefix}… was revoked on ${revoked.body.revokedAt}; ask for a new one.`,
    );
    expect((await as(peer, '/api/me')).status).toBe(200);

    const audit = await as(peer, `/api/audit?subjectType=token&subjectId=${issued.body.id}`);
    expect(audit.body.entries.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ['token.revoked', PEER],
      ['token.created', PEER],
    ]);
  });

  it('when a token has expired, then 401 says when', async () => {
    const issued = await as(peer, `/api/people/${PEER}/tokens`, { body: { label: 'short-lived', expiresInDays: 1 } });
    // A day cannot pass in a test: move the expiry into the past as the day's passing would.
    const expiredAt = new Date('2026-01-05T09:00:00.000Z');
    await system.database.db.apiToken.update({ where: { id: issued.body.id }, data: { expiresAt: expiredAt } });
    const refused = await as(issued.body.token, '/api/me');
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe(
      `The API token ${issued.body.prefix}… expired on 2026-01-05T09:00:00.000Z; create a new one.`,
    );
    expect(
      (await as(peer, `/api/people/${PEER}/tokens`)).body.tokens.find((t: { id: string }) => t.id === issued.body.id)
        .status,
    ).toBe('expired');
  });

  it('when revops deactivates a person, then their tokens stop working with a 401 saying so, and work again once reactivated', async () => {
    const person = 'ines.inactive@example.com';
    const token = await system.personToken(person, 'rep');
    expect((await as(revops, `/api/reps/${person}`, { method: 'PUT', body: { active: false } })).status).toBe(200);
    const refused = await as(token, '/api/me');
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toContain(`belongs to ${person}, who is inactive`);
    const issuing = await as(revops, `/api/people/${person}/tokens`, { body: { label: 'again' } });
    expect(issuing.status).toBe(422);
    expect(issuing.body.error.code).toBe('not_allowed');

    expect((await as(revops, `/api/reps/${person}`, { method: 'PUT', body: { active: true } })).status).toBe(200);
    expect((await as(token, '/api/me')).body.email).toBe(person);
  });

  it.each([
    {
      when: 'a rep issues a token for someone else',
      send: () => as(rep, `/api/people/${PEER}/tokens`, { body: { label: 'mine now' } }),
      message: `A person's tokens are managed by that person and by revops; ${REP} may not manage the tokens of ${PEER}.`,
    },
    {
      when: "a rep lists someone else's tokens",
      send: () => as(rep, `/api/people/${PEER}/tokens`),
      message: `A person's tokens are managed by that person and by revops; ${REP} may not manage the tokens of ${PEER}.`,
    },
  ])('when $when, then 403', async ({ send, message }) => {
    const response = await send();
    expect(response.status).toBe(403);
    expect(response.body.error).toEqual({ code: 'forbidden', message });
  });

  it("when a rep revokes someone else's token, then 403 and the token still works", async () => {
    const listed = await as(peer, `/api/people/${PEER}/tokens`);
    const live = listed.body.tokens.find((t: { label: string }) => t.label === 'test');
    const response = await as(rep, `/api/tokens/${live.id}`, { method: 'DELETE' });
    expect(response.status).toBe(403);
    expect(response.body.error.message).toContain(`may not manage token ${live.id}`);
    expect((await as(peer, '/api/me')).status).toBe(200);
  });

  it.each([
    {
      when: 'the label is missing',
      path: `/api/people/${REP}/tokens`,
      body: { expiresInDays: 5 },
      status: 400,
      field: 'label',
    },
    {
      when: 'the label is only white space (a form feed)',
      path: `/api/people/${REP}/tokens`,
      body: { label: '\f' },
      status: 400,
      field: 'label',
    },
    {
      when: 'the expiry is zero days',
      path: `/api/people/${REP}/tokens`,
      body: { label: 'x', expiresInDays: 0 },
      status: 400,
      field: 'expiresInDays',
    },
    {
      when: 'the expiry is a fraction',
      path: `/api/people/${REP}/tokens`,
      body: { label: 'x', expiresInDays: 1.5 },
      status: 400,
      field: 'expiresInDays',
    },
    {
      when: 'a field is unknown',
      path: `/api/people/${REP}/tokens`,
      body: { label: 'x', scope: 'all' },
      status: 400,
      field: '(body)',
    },
    {
      // No person has that address, so the access check answers before the path is validated.
      when: 'the path is not an email',
      path: '/api/people/ravi/tokens',
      body: { label: 'x' },
      status: 404,
      field: null,
    },
    {
      when: 'the person does not exist',
      path: '/api/people/ghost@example.com/tokens',
      body: { label: 'x' },
      status: 404,
      field: null,
    },
  ])('when $when, then $status', async ({ path, body, status, field }) => {
    const response = await as(revops, path, { body });
    expect(response.status).toBe(status);
    if (field)
      expect(response.body.error.fields).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
  });

  it('when an unknown token id is revoked, then 404', async () => {
    const response = await as(revops, '/api/tokens/tok_nope', { method: 'DELETE' });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });
});
