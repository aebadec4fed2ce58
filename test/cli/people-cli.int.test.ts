/**
 * `leadflow people add` and `leadflow tokens create|list|revoke`, run as the real executable
 * against a real database, the way an operator runs them from a terminal.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyToken } from '../../src/auth/tokens';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';
import { runLeadflow } from '../support/leadflow-process';

/** Usage errors and field checks: nothing here depends on the database provider. */
const argumentErrors = [
  {
    what: 'a required option is missing',
    args: ['tokens', 'create', '--label', 'x'],
    code: 2,
    stderr: 'leadflow tokens create: missing --email',
  },
  {
    what: 'an option is unknown',
    args: ['tokens', 'list', '--email', 'a@b.io', '--all'],
    code: 2,
    stderr: "Unknown option '--all'",
  },
  {
    what: 'the subcommand is unknown',
    args: ['tokens', 'rotate'],
    code: 2,
    stderr: 'unknown tokens command "rotate"',
  },
  {
    what: 'the role is unknown',
    args: ['people', 'add', '--email', 'x@example.com', '--name', 'X', '--role', 'boss'],
    code: 1,
    stderr: '  --role: must be one of: rep, manager, director, vp, finance, revops',
  },
  {
    what: 'the email is no email',
    args: ['tokens', 'create', '--email', 'ravi'],
    code: 1,
    stderr: '  --email: must be a valid email address',
  },
  {
    what: 'the expiry is no number',
    args: ['tokens', 'create', '--email', 'ravi@example.com', '--expires-in-days', 'soon'],
    code: 1,
    stderr: '  --expires-in-days: must be a number of days',
  },
];

describe.each(providers)('leadflow people and tokens on %s', (provider) => {
  let database: TestDatabase;
  let env: Record<string, string>;
  const leadflow = (...args: string[]) => runLeadflow(args, env);

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    env = { DATABASE_URL: database.target.url, LEADFLOW_TENANT: `t-${randomBytes(4).toString('hex')}` };
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('when a person is added with --language zh-CN, then their emails are in Chinese; an unknown language is refused', async () => {
    const added = await leadflow(
      'people',
      'add',
      '--email',
      'li.wei@example.com',
      '--name',
      'Li Wei',
      '--role',
      'rep',
      '--language',
      'zh-CN',
    );
    expect(added.code).toBe(0);
    const person = await database.db.rep.findUniqueOrThrow({
      where: { tenant_email: { tenant: env.LEADFLOW_TENANT!, email: 'li.wei@example.com' } },
    });
    expect(person.language).toBe('zh-CN');
    const refused = await leadflow(
      'people',
      'add',
      '--email',
      'x@example.com',
      '--name',
      'X',
      '--role',
      'rep',
      '--language',
      'fr',
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('must be one of: en, zh-CN');
  });

  it('when a person is added and given a token, then the token authenticates them, is listed without its secret, and stops working once revoked', async () => {
    const manager = await leadflow(
      'people',
      'add',
      '--email',
      'Maya.Lead@Example.com',
      '--name',
      'Maya Lead',
      '--role',
      'manager',
      '--time-zone',
      'europe/berlin',
    );
    expect(manager).toMatchObject({
      code: 0,
      stdout: expect.stringContaining(`added maya.lead@example.com (manager) in tenant ${env.LEADFLOW_TENANT}`),
    });
    const added = await leadflow(
      'people',
      'add',
      '--email',
      'ravi@example.com',
      '--name',
      'Ravi Rep',
      '--role',
      'rep',
      '--manager',
      'maya.lead@example.com',
    );
    expect(added.code).toBe(0);
    const maya = await database.db.rep.findUniqueOrThrow({
      where: { tenant_email: { tenant: env.LEADFLOW_TENANT!, email: 'maya.lead@example.com' } },
    });
    expect(maya.timeZone).toBe('Europe/Berlin');
    expect(
      await database.db.rep.findUniqueOrThrow({
        where: { tenant_email: { tenant: env.LEADFLOW_TENANT!, email: 'ravi@example.com' } },
      }),
    ).toMatchObject({ role: 'rep', managerId: maya.id });

    const created = await leadflow(
      'tokens',
      'create',
      '--email',
      'ravi@example.com',
      '--label',
      'laptop',
      '--expires-in-days',
      '90',
    );
    expect(created.code).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^lf_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(
      /^token tok_\w+ \(lf_\S{5}…, "laptop"\) for ravi@example.com, expires \d{4}-.*shown this once/,
    );
    const check = await verifyToken(database.db, secret, new Date());
    expect(check).toMatchObject({
      kind: 'valid',
      actor: { email: 'ravi@example.com', role: 'rep', name: 'Ravi Rep', tenant: env.LEADFLOW_TENANT },
    });

    const listed = await leadflow('tokens', 'list', '--email', 'ravi@example.com');
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(secret);
    expect(listed.stdout).toMatch(
      new RegExp(`^tok_\\w+  ${secret.slice(0, 8)}…  live +"laptop"  created \\S+  last used \\S+  expires \\S+$`, 'm'),
    );

    const id = check.kind === 'valid' ? check.actor.tokenId : '';
    const revoked = await leadflow('tokens', 'revoke', '--id', id);
    expect(revoked).toMatchObject({
      code: 0,
      stdout: expect.stringContaining(`revoked ${id} (${secret.slice(0, 8)}…, "laptop" of ravi@example.com) on `),
    });
    expect(await verifyToken(database.db, secret, new Date())).toMatchObject({ kind: 'revoked' });
    expect((await leadflow('tokens', 'list', '--email', 'ravi@example.com')).stdout).toMatch(
      / revoked +"laptop" .* revoked \d{4}-/,
    );
    const audit = await database.db.auditEvent.findMany({
      where: { tenant: env.LEADFLOW_TENANT!, subjectId: id },
      orderBy: { occurredAt: 'asc' },
    });
    expect(audit.map((e) => [e.action, e.actor, (e.details as { via?: string }).via])).toEqual([
      ['token.created', 'system', 'cli'],
      ['token.revoked', 'system', 'cli'],
    ]);
  });

  // Refused before any record is read: the arguments are checked the same way whatever the
  // provider, so these run once, on SQLite (see argumentErrors above). Each is its own process
  // and changes nothing, so they run side by side.
  it.concurrent.for(provider === 'sqlite' ? argumentErrors : [])(
    'when $what, then it exits $code and says so on stderr',
    async ({ args, code, stderr }, { expect }) => {
      const run = await leadflow(...args);
      expect(run.code).toBe(code);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(stderr);
    },
  );

  // Refused after a lookup in the database (which finds nothing and writes nothing): on each provider.
  it.concurrent.for([
    {
      what: 'the person does not exist',
      args: ['tokens', 'create', '--email', 'ghost@example.com'],
      code: 1,
      stderr: 'No person ghost@example.com in tenant',
    },
    {
      what: 'the manager does not exist',
      args: [
        'people',
        'add',
        '--email',
        'x@example.com',
        '--name',
        'X',
        '--role',
        'rep',
        '--manager',
        'ghost@example.com',
      ],
      code: 1,
      stderr: '  --manager: no rep ghost@example.com',
    },
    {
      what: 'the token does not exist',
      args: ['tokens', 'revoke', '--id', 'tok_nope'],
      code: 1,
      stderr: 'No token tok_nope in tenant',
    },
  ])('when $what, then it exits $code and says so on stderr', async ({ args, code, stderr }, { expect }) => {
    const run = await leadflow(...args);
    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(stderr);
  });
});
