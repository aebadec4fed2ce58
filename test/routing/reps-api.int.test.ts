/**
 * The rep management API over HTTP (in-process, port 0) on a real database, with the shipped
 * routing rules as the roster. Reads are open; writes carry a person's API token.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoutingActivities } from '../../activities/routing';
import { errorHandler } from '../../src/api/errors';
import { authenticate } from '../../src/auth/authenticate';
import { repRoutes } from '../../src/api/routes/reps';
import { createLogger } from '../../src/logger';
import { evaluateRouting, type Ruleset } from '../../src/rules/evaluate';
import { loadRulesetFromDir } from '../../src/rules/load-dir';
import { NoActiveRulesetError } from '../../src/rules/registry';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';
import { bearer, createPersonToken, http } from '../support/system';
import { createLeads, NOW } from './support';

const ALICE = 'alice.chen@example.com';
const BRUNO = 'bruno.silva@example.com';
const DANA = 'dana.whitfield@example.com';
/** RevOps, who may change anyone; sorts before the reps outside the rules in the roster. */
const AMARA = 'amara.ops@example.com';

async function shippedRuleset(): Promise<Ruleset> {
  const loaded = await loadRulesetFromDir('rules');
  if (!loaded.ok) throw new Error('the shipped rules do not load');
  return loaded.ruleset;
}

async function serve(app: express.Express): Promise<{ url: string; server: Server }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    );
  });
}

function appWith(database: TestDatabase, active: () => Ruleset) {
  const app = express();
  app.use(express.json());
  app.use(authenticate(database.db));
  app.use(
    repRoutes({ db: database.db, defaultTenant: 'acme', rules: { registry: { active } }, now: () => new Date(NOW) }),
  );
  app.use(errorHandler(createLogger('silent')));
  return app;
}

describe.each(providers)('rep management API on %s', (provider) => {
  let database: TestDatabase;
  let ruleset: Ruleset;
  let url: string;
  let server: Server;
  let revops: string;
  const put = (email: string, body: unknown, token = revops) =>
    http(`${url}/api/reps/${encodeURIComponent(email)}`, { method: 'PUT', body, headers: bearer(token) });

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    ruleset = await shippedRuleset();
    ({ url, server } = await serve(appWith(database, () => ruleset)));
    revops = await createPersonToken(database.db, 'acme', AMARA, 'revops', { name: 'Amara Okafor' });
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await database?.drop();
  });

  it('when only the revops person is stored, then the roster is the reps of routing.yaml, active on defaults, with their pools and open leads, then the stored people', async () => {
    const leads = await createLeads(database.db, 'acme', 3);
    await database.db.lead.updateMany({ where: { id: { in: leads } }, data: { ownerId: ALICE } });
    await database.db.lead.update({ where: { id: leads[0] }, data: { stage: 'sql' } });

    const roster = await http(`${url}/api/reps`);
    expect(roster.status).toBe(200);
    expect(roster.body.reps.map((r: { routingName: string }) => r.routingName)).toEqual([
      'dana',
      'alice',
      'bruno',
      'carmen',
      'erik',
      'fatima',
      'george',
      'hana',
      'ivan',
      'julia',
      'kofi',
      null,
    ]);
    expect(roster.body.reps.at(-1)).toMatchObject({ email: AMARA, role: 'revops', stored: true, pools: [] });
    expect(roster.body.reps[1]).toEqual({
      email: ALICE,
      name: 'Alice Chen',
      routingName: 'alice',
      stored: false,
      role: 'rep',
      managerEmail: null,
      delegateEmail: null,
      timeZone: 'UTC',
      language: 'en',
      active: true,
      outOfOffice: null,
      outOfOfficeNow: false,
      maxOpenLeads: null,
      openLeads: 2,
      pools: [{ pool: 'enterprise-na', weight: 2, maxOpenLeads: 25 }],
    });
    const ivan = roster.body.reps.find((r: { routingName: string }) => r.routingName === 'ivan');
    expect(ivan.pools.map((p: { pool: string }) => p.pool)).toEqual(['mid-market', 'smb-inbound']);
  });

  it('when a rep from the rules is updated, then the row is created (201), a manager known only from the rules gets a row, and GET shows it all', async () => {
    const created = await put('Alice.Chen@Example.com', {
      timeZone: 'america/new_york',
      role: 'manager',
      managerEmail: DANA,
      delegateEmail: BRUNO,
      maxOpenLeads: 10,
      outOfOffice: { from: '2026-03-01T00:00:00Z', until: '2026-03-09T00:00:00+01:00' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/reps/${encodeURIComponent(ALICE)}`);
    expect(created.body).toMatchObject({
      email: ALICE,
      name: 'Alice Chen',
      stored: true,
      role: 'manager',
      managerEmail: DANA,
      delegateEmail: BRUNO,
      timeZone: 'America/New_York',
      outOfOffice: { from: '2026-03-01T00:00:00.000Z', until: '2026-03-08T23:00:00.000Z' },
      outOfOfficeNow: true,
      maxOpenLeads: 10,
      pools: [{ pool: 'enterprise-na', weight: 2, maxOpenLeads: 10 }],
    });
    expect((await http(`${url}/api/reps/${DANA}`)).body).toMatchObject({
      stored: true,
      name: 'Dana Whitfield',
      active: true,
    });

    const updated = await put(ALICE, { active: false, outOfOffice: null, delegateEmail: null });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      active: false,
      outOfOffice: null,
      outOfOfficeNow: false,
      delegateEmail: null,
      managerEmail: DANA,
      timeZone: 'America/New_York',
      maxOpenLeads: 10,
    });
    expect((await http(`${url}/api/reps/${ALICE}`)).body).toEqual(updated.body);
  });

  it('when a rep not in the rules is created with a name, then they join the roster after the rules reps, in no pool', async () => {
    const created = await put('nina.kowalski@example.com', { name: 'Nina Kowalski', role: 'director' });
    expect(created.status).toBe(201);
    const roster = await http(`${url}/api/reps`);
    expect(roster.body.reps.at(-1)).toMatchObject({
      email: 'nina.kowalski@example.com',
      routingName: null,
      stored: true,
      role: 'director',
      pools: [],
      openLeads: 0,
    });
  });

  it.each([
    {
      when: 'the time zone is shaped like a zone but unknown',
      email: BRUNO,
      body: { timeZone: 'Mars/Olympus' },
      path: 'timeZone',
      message: '"Mars/Olympus" is not in the time zone database',
      status: 422,
    },
    {
      when: 'the time zone is not shaped like a zone',
      email: BRUNO,
      body: { timeZone: 'GMT +1 please' },
      path: 'timeZone',
      message: 'must be an IANA time zone',
    },
    {
      when: 'the role is unknown',
      email: BRUNO,
      body: { role: 'boss' },
      path: 'role',
      message: 'must be one of: rep, manager, director, vp, finance, revops',
    },
    {
      when: 'the cap is negative',
      email: BRUNO,
      body: { maxOpenLeads: -1 },
      path: 'maxOpenLeads',
      message: 'must be 0 or more',
    },
    {
      when: 'the cap is a fraction',
      email: BRUNO,
      body: { maxOpenLeads: 2.5 },
      path: 'maxOpenLeads',
      message: 'must be a whole number',
    },
    {
      when: 'active is not a boolean',
      email: BRUNO,
      body: { active: 'yes' },
      path: 'active',
      message: 'must be true or false',
    },
    {
      when: 'out-of-office ends before it starts',
      email: BRUNO,
      body: { outOfOffice: { from: '2026-03-05T00:00:00Z', until: '2026-03-01T00:00:00Z' } },
      path: 'outOfOffice.until',
      message: 'must be after "from"',
      status: 422,
    },
    {
      when: 'out-of-office has no dates',
      email: BRUNO,
      body: { outOfOffice: {} },
      path: 'outOfOffice',
      message: 'give "from", "until" or both',
    },
    {
      when: 'out-of-office is not a time',
      email: BRUNO,
      body: { outOfOffice: { until: 'next tuesday' } },
      path: 'outOfOffice.until',
      message: 'must be an ISO-8601 time',
    },
    {
      when: 'a field is unknown',
      email: BRUNO,
      body: { nickname: 'B' },
      path: '(body)',
      message: 'unknown field(s): nickname',
    },
    {
      when: 'the manager is unknown',
      email: BRUNO,
      body: { managerEmail: 'ghost@example.com' },
      path: 'managerEmail',
      message: 'no rep ghost@example.com',
      status: 422,
    },
    {
      when: 'the manager is the rep',
      email: BRUNO,
      body: { managerEmail: BRUNO },
      path: 'managerEmail',
      message: 'cannot be the rep themself',
      status: 422,
    },
    {
      when: 'the delegate is not an email',
      email: BRUNO,
      body: { delegateEmail: 'bruno' },
      path: 'delegateEmail',
      message: 'must be a valid email address',
    },
    {
      when: 'the path is not an email',
      email: 'bruno',
      body: { active: true },
      path: 'params.email',
      message: 'must be a valid email address',
    },
    {
      when: 'a new rep outside the rules has no name',
      email: 'zed@example.com',
      body: { active: true },
      path: 'name',
      message: 'is required',
      status: 422,
    },
  ] as { when: string; email: string; body: unknown; path: string; message: string; status?: number }[])(
    // 400: the request itself is malformed; 422: it is well-formed but clashes with what is stored.
    'when $when, then 400 or 422 with the field and nothing is saved',
    async ({ email, body, path, message, status = 400 }) => {
      const before = await database.db.rep.count();
      const response = await put(email, body);
      expect(response.status).toBe(status);
      expect(response.body.error.code).toBe(status === 400 ? 'validation_failed' : 'unprocessable');
      expect(response.body.error.fields).toEqual(
        expect.arrayContaining([expect.objectContaining({ path, message: expect.stringContaining(message) })]),
      );
      expect(await database.db.rep.count()).toBe(before);
    },
  );

  it('when a manager chain would go round in a circle, then 422', async () => {
    // Bruno got a row on defaults when he became Alice's delegate above, so this is an update.
    expect((await put(BRUNO, { managerEmail: ALICE })).body).toMatchObject({ managerEmail: ALICE });
    const circular = await put(ALICE, { managerEmail: BRUNO });
    expect(circular.status).toBe(422);
    expect(circular.body.error.fields).toEqual([{ path: 'managerEmail', message: expect.stringContaining('circle') }]);
  });

  it.each([
    {
      what: 'malformed JSON',
      send: () => http(`${url}/api/reps/${BRUNO}`, { method: 'PUT', rawBody: '{"active": tru' }),
      status: 400,
      code: 'malformed_json',
    },
    {
      what: 'a bad tenant',
      send: () => http(`${url}/api/reps?tenant=Not%20A%20Tenant`),
      status: 400,
      code: 'validation_failed',
    },
    { what: 'an unknown rep', send: () => http(`${url}/api/reps/nobody@example.com`), status: 404, code: 'not_found' },
    { what: 'a path that is no email', send: () => http(`${url}/api/reps/nobody`), status: 404, code: 'not_found' },
  ])('when the request has $what, then $status $code', async ({ send, status, code }) => {
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
  });

  describe('who may change a person', () => {
    const tenant = 'perms';
    const [MANAGER, REP, PEER] = ['maya.lead@example.com', 'ravi.rep@example.com', 'paula.peer@example.com'];
    const putIn = (email: string, body: unknown, token?: string) =>
      http(`${url}/api/reps/${encodeURIComponent(email)}?tenant=${tenant}`, {
        method: 'PUT',
        body,
        ...(token ? { headers: bearer(token) } : {}),
      });
    const tokens: Record<string, string> = {};
    beforeAll(async () => {
      tokens.manager = await createPersonToken(database.db, tenant, MANAGER, 'manager', { name: 'Maya Lead' });
      tokens.rep = await createPersonToken(database.db, tenant, REP, 'rep', {
        name: 'Ravi Rep',
        managerEmail: MANAGER,
      });
      tokens.peer = await createPersonToken(database.db, tenant, PEER, 'rep', {
        name: 'Paula Peer',
        managerEmail: MANAGER,
      });
      tokens.revops = await createPersonToken(database.db, tenant, 'rosa.ops@example.com', 'revops');
    });
    const stored = () => database.db.rep.findUniqueOrThrow({ where: { tenant_email: { tenant, email: REP } } });

    it('when a write carries no token, then 401 says a token is needed and nothing changes', async () => {
      const before = await stored();
      const response = await putIn(REP, { role: 'revops' });
      expect(response.status).toBe(401);
      expect(response.body.error).toMatchObject({
        code: 'unauthorized',
        message: expect.stringContaining('needs an API token'),
      });
      expect(await stored()).toEqual(before);
      expect((await http(`${url}/api/reps/${REP}?tenant=${tenant}`)).status).toBe(200);
    });

    it.each([
      {
        who: 'the person',
        token: 'rep',
        email: REP,
        body: { outOfOffice: { until: '2026-03-10T00:00:00Z' }, delegateEmail: PEER, active: true },
      },
      {
        who: 'their manager',
        token: 'manager',
        email: REP,
        body: { outOfOffice: { from: '2026-03-02T00:00:00Z', until: '2026-03-04T00:00:00Z' }, active: false },
      },
      {
        who: 'revops',
        token: 'revops',
        email: REP,
        body: { role: 'manager', managerEmail: null, maxOpenLeads: 5, name: 'Ravi R.', active: true },
      },
    ])('when $who changes what they may, then 200 and the change shows', async ({ token, email, body }) => {
      const response = await putIn(email, body, tokens[token]);
      expect(response.status).toBe(200);
      expect(response.body.email).toBe(email);
      if ('active' in body) expect(response.body.active).toBe(body.active);
      if ('role' in body) expect(response.body).toMatchObject({ role: 'manager', managerEmail: null, maxOpenLeads: 5 });
    });

    it.each([
      {
        who: 'a person changes their own role',
        token: 'peer',
        email: PEER,
        body: { role: 'revops' },
        message:
          'Changing role of paula.peer@example.com needs the revops role (paula.peer@example.com is rep); paula.peer@example.com may change only active, outOfOffice, delegateEmail',
      },
      {
        who: 'a person changes their own manager',
        token: 'peer',
        email: PEER,
        body: { managerEmail: null },
        message: 'Changing managerEmail of paula.peer@example.com needs the revops role',
      },
      {
        who: "a person changes a peer's out-of-office",
        token: 'peer',
        email: MANAGER,
        body: { outOfOffice: null },
        message: 'Changing outOfOffice of maya.lead@example.com needs the revops role (paula.peer@example.com is rep).',
      },
      {
        who: "a manager changes their report's delegate",
        token: 'manager',
        email: PEER,
        body: { delegateEmail: MANAGER },
        message:
          'Changing delegateEmail of paula.peer@example.com needs the revops role (maya.lead@example.com is manager); maya.lead@example.com may change only active, outOfOffice',
      },
      {
        who: "a manager changes their report's role",
        token: 'manager',
        email: PEER,
        body: { role: 'director' },
        message: 'Changing role of paula.peer@example.com',
      },
      {
        who: 'a manager creates a person',
        token: 'manager',
        email: 'new.hire@example.com',
        body: { name: 'New Hire' },
        message: 'Creating person new.hire@example.com needs the revops role',
      },
    ])('when $who, then 403 says what needs revops and nothing changes', async ({ token, email, body, message }) => {
      const before = await database.db.rep.findMany({ where: { tenant }, orderBy: { email: 'asc' } });
      const response = await putIn(email, body, tokens[token]);
      expect(response.status).toBe(403);
      expect(response.body.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining(message) });
      expect(await database.db.rep.findMany({ where: { tenant }, orderBy: { email: 'asc' } })).toEqual(before);
    });

    it.each([
      {
        who: 'a rep deactivates themselves',
        token: 'rep',
        email: REP,
        body: { active: false },
        path: 'active',
        message: 'ravi.rep@example.com cannot deactivate themselves',
      },
      {
        who: 'the only RevOps person deactivates themselves',
        token: 'revops',
        email: 'rosa.ops@example.com',
        body: { active: false },
        path: 'active',
        message: 'cannot deactivate themselves',
      },
      {
        who: 'the only RevOps person gives up the role',
        token: 'revops',
        email: 'rosa.ops@example.com',
        body: { role: 'director' },
        path: 'role',
        message: 'rosa.ops@example.com is the only active RevOps person of tenant perms',
      },
    ])('when $who, then 422 says why, the token still works and nothing changes', async (example) => {
      const before = await database.db.rep.findMany({ where: { tenant }, orderBy: { email: 'asc' } });
      const response = await putIn(example.email, example.body, tokens[example.token]);
      expect(response.status).toBe(422);
      expect(response.body.error.fields).toEqual(
        expect.arrayContaining([{ path: example.path, message: expect.stringContaining(example.message) }]),
      );
      expect(await database.db.rep.findMany({ where: { tenant }, orderBy: { email: 'asc' } })).toEqual(before);
      const stillIn = await http(`${url}/api/reps/${encodeURIComponent(example.email)}?tenant=${tenant}`, {
        headers: bearer(tokens[example.token] ?? ''),
      });
      expect(stillIn.status).toBe(200);
    });

    it('when a second RevOps person exists, then the first may leave the role', async () => {
      const second = 'otto.ops@example.com';
      await createPersonToken(database.db, tenant, second, 'revops');
      const response = await putIn('rosa.ops@example.com', { role: 'director' }, tokens.revops);
      expect(response.status).toBe(200);
      expect(response.body.role).toBe('director');
      await database.db.rep.update({
        where: { tenant_email: { tenant, email: 'rosa.ops@example.com' } },
        data: { role: 'revops' },
      });
      await database.db.rep.update({ where: { tenant_email: { tenant, email: second } }, data: { active: false } });
    });

    it('when revops of one tenant writes a person of another, then 403', async () => {
      const response = await putIn(REP, { active: true }, revops);
      expect(response.status).toBe(403);
      expect(response.body.error.message).toBe(
        'amara.ops@example.com is a person of tenant acme and cannot change people of tenant perms.',
      );
    });

    it('when a person is changed, then the audit trail records who changed what', async () => {
      await putIn(PEER, { outOfOffice: { until: '2026-03-20T00:00:00Z' } }, tokens.peer);
      const entry = await database.db.auditEvent.findFirst({
        where: { tenant, subjectType: 'person', subjectId: PEER },
        orderBy: { occurredAt: 'desc' },
      });
      expect(entry).toMatchObject({
        action: 'person.updated',
        actor: PEER,
        details: { changes: { outOfOffice: { from: null, until: '2026-03-20T00:00:00.000Z' } } },
      });
    });
  });

  it('when a rep is set out of office through the API, then routing passes them over', async () => {
    const tenant = 'ooo-check';
    const carmen = 'carmen.ortiz@example.com';
    const set = await http(`${url}/api/reps/${encodeURIComponent(carmen)}`, {
      method: 'PUT',
      body: { outOfOffice: { until: '2026-03-10T00:00:00Z' } },
      headers: bearer(await createPersonToken(database.db, tenant, carmen, 'rep')),
    });
    expect(set.status).toBe(200);
    const decision = evaluateRouting(ruleset, { company: { employees: 1200, region: 'north-america' } });
    const routing = createRoutingActivities({ db: database.db });
    const leadIds = await createLeads(database.db, tenant, 8);
    const results = await Promise.all(
      leadIds.map((leadId) =>
        routing.assignLead({
          tenant,
          leadId,
          routing: decision.outcome,
          routingRules: ruleset.routing,
          rulesetVersion: decision.version,
          idempotencyKey: `a:${leadId}`,
          now: NOW,
        }),
      ),
    );
    const owners = results.map((r) => (r.kind === 'rep' ? r.repEmail : r.queue));
    expect(owners.filter((o) => o === ALICE)).toHaveLength(6);
    expect(owners.filter((o) => o === BRUNO)).toHaveLength(2);
    expect(results[0]?.explanation).toContain(
      'skipped carmen <carmen.ortiz@example.com> (out of office until 2026-03-10T00:00:00.000Z)',
    );
  });
});

describe('rep management API without active rules', () => {
  it('when no valid routing rules are active, then 503 rules_unavailable', async () => {
    const database = await createTestDatabase('sqlite');
    const { url, server } = await serve(
      appWith(database, () => {
        throw new NoActiveRulesetError('rules', []);
      }),
    );
    try {
      const response = await http(`${url}/api/reps`);
      expect(response.status).toBe(503);
      expect(response.body.error.code).toBe('rules_unavailable');
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await database.drop();
    }
  });
});
