/**
 * `leadflow people add` and `leadflow tokens create|list|revoke`: what an operator runs at the
 * console, straight against the configured database (DATABASE_URL, LEADFLOW_TENANT). The console
 * is trusted like the database itself, so no token is needed here. Exit codes: 0 ok, 1 refused or
 * invalid, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { issueIntegrationToken, listTokens, issueToken, revokeToken, type TokenView } from '../auth/tokens';
import { loadConfig } from '../config';
import type { Db } from '../db/client';
import { createLogger } from '../logger';
import { EmailSchema, RepUpdateSchema } from '../api/routes/reps';
import { IntegrationNameSchema, TokenCreateSchema } from '../api/routes/people';
import { fieldErrors } from '../api/errors';
import { LeadflowError } from '../domain/errors';
import { savePerson } from '../usecases/people';
import { invitePerson, setPasswordByOperator } from '../usecases/accounts';
import { readSecretLine } from './secret-input';
import type { CommandIo } from './rules-command';
import { accountMailer, openDatabase } from './database';

const USAGE = `Usage:
  leadflow people add --email <email> --name <name> --role rep|manager|director|vp|finance|revops
                      [--manager <email>] [--time-zone <IANA zone>] [--language en|zh-CN]
                                        add a person, or update one (role, manager, time zone)
  leadflow people invite <email>        email them a link (valid 72 h) to choose their password,
                                        in their language; through SMTP_URL, or the embedded mail
                                        server of a running \`leadflow start\`
  leadflow people set-password <email>  set their password, read from stdin (never an argument):
                                        printf '%s\n' "$PASSWORD" | leadflow people set-password <email>
  leadflow tokens create --email <email> [--label <label>] [--expires-in-days <n>] [--scopes intake,read,write,admin,metrics]
                                        issue an API token; the secret goes to stdout, once
                                        (no --scopes: everything the person's role allows)
  leadflow tokens create --integration <name> [--scopes intake,read,metrics] [--label <label>] [--expires-in-days <n>]
                                        a token for a form tool, the CRM, the website or a
                                        monitoring system: not a person; intake (the default),
                                        read, and metrics (GET /metrics) at most
  leadflow tokens list --email <email>  a person's tokens (never the secrets)
  leadflow tokens revoke --id <tok_…>   revoke a token

They work on the database of DATABASE_URL and the tenant of LEADFLOW_TENANT.`;

class UsageError extends Error {}

/** Runs `leadflow people …` or `leadflow tokens …`; resolves to the exit code. */
export async function peopleCommand(command: 'people' | 'tokens', args: string[], io: CommandIo): Promise<number> {
  const out = (line = '') => io.stdout.write(`${line}\n`);
  const err = (line = '') => io.stderr.write(`${line}\n`);
  const [sub, ...rest] = args;
  const run = SUBCOMMANDS[`${command} ${sub ?? ''}`];
  if (!run) {
    if (sub !== undefined && sub !== 'help' && sub !== '--help') err(`unknown ${command} command "${sub}"`);
    (sub === 'help' || sub === '--help' ? out : err)(USAGE);
    return sub === 'help' || sub === '--help' ? 0 : 2;
  }
  let db: Db | undefined;
  try {
    const options = parse(rest, run.options);
    const config = loadConfig();
    db = await openDatabase(config, createLogger('error'));
    return await run.handle({ db, tenant: config.tenant, options, out, err, now: new Date() });
  } catch (error) {
    if (error instanceof UsageError) {
      err(`leadflow ${command} ${sub}: ${error.message}`);
      err(USAGE);
      return 2;
    }
    if (!(error instanceof LeadflowError)) throw error;
    err(`leadflow ${command} ${sub}: ${error.message}`);
    for (const field of Array.isArray(error.details) ? (error.details as { path: string; message: string }[]) : [])
      err(`  --${flagOf(field.path)}: ${field.message}`);
    return 1;
  } finally {
    await db?.$disconnect();
  }
}

type Options = Record<string, string | undefined>;

interface Context {
  db: Db;
  tenant: string;
  options: Options;
  out: (line?: string) => void;
  err: (line?: string) => void;
  now: Date;
}

const SUBCOMMANDS: Record<
  string,
  { options: { name: string; required?: boolean }[]; handle: (context: Context) => Promise<number> }
> = {
  'people add': {
    options: [
      { name: 'email', required: true },
      { name: 'name', required: true },
      { name: 'role', required: true },
      { name: 'manager' },
      { name: 'time-zone' },
      { name: 'language' },
    ],
    async handle({ db, tenant, options, out, now }) {
      const email = valid(EmailSchema.safeParse(options.email), 'email');
      const update = valid(
        RepUpdateSchema.safeParse({
          name: options.name,
          role: options.role,
          managerEmail: options.manager,
          timeZone: options['time-zone'],
          language: options.language,
        }),
      );
      const { created } = await savePerson(db, {
        tenant,
        email,
        update,
        by: { system: 'cli' },
        nameFromRules: () => undefined,
        now,
      });
      out(
        `${created ? 'added' : 'updated'} ${email} (${update.role ?? 'rep'}) in tenant ${tenant}; give them a token with: leadflow tokens create --email ${email}`,
      );
      return 0;
    },
  },
  'people invite': {
    options: [{ name: 'email', required: true }],
    async handle({ db, tenant, options, out, now }) {
      const email = valid(EmailSchema.safeParse(options.email), 'email');
      const config = loadConfig();
      const mail = accountMailer(config);
      try {
        const sent = await invitePerson(db, {
          tenant,
          email,
          by: { system: 'cli' },
          now,
          mail: { ...mail, publicUrl: config.publicUrl },
        });
        out(`invited ${sent.email}: the link to choose a password works once, until ${sent.expiresAt}`);
      } finally {
        await mail.mailer.close();
      }
      return 0;
    },
  },
  'people set-password': {
    options: [{ name: 'email', required: true }],
    async handle({ db, tenant, options, out, now }) {
      const email = valid(EmailSchema.safeParse(options.email), 'email');
      const password = await readSecretLine(process.stdin, process.stderr, `Password for ${email} (not shown): `);
      const person = await setPasswordByOperator(db, { tenant, email, password, now });
      out(`set the password of ${person.email}; their workspace sessions were signed out`);
      return 0;
    },
  },
  'tokens create': {
    options: [
      { name: 'email' },
      { name: 'integration' },
      { name: 'label' },
      { name: 'expires-in-days' },
      { name: 'scopes' },
    ],
    async handle({ db, tenant, options, out, err, now }) {
      if ((options.email === undefined) === (options.integration === undefined))
        throw new UsageError(
          options.email === undefined
            ? 'missing --email (a person), or --integration <name> for a service account'
            : 'give only one of --email (a person) or --integration (a service account)',
        );
      const days = options['expires-in-days'];
      const request = valid(
        TokenCreateSchema.safeParse({
          label: options.label ?? 'cli',
          expiresInDays: days === undefined ? undefined : Number(days),
          scopes: options.scopes?.split(',').map((scope) => scope.trim()),
        }),
      );
      const holder = options.integration ?? '';
      const issued =
        options.integration === undefined
          ? await issueToken(db, {
              tenant,
              personEmail: valid(EmailSchema.safeParse(options.email), 'email'),
              label: request.label,
              expiresInDays: request.expiresInDays,
              scopes: request.scopes,
              by: { system: 'cli' },
              now,
            })
          : await issueIntegrationToken(db, {
              tenant,
              name: valid(IntegrationNameSchema.safeParse(holder), 'integration'),
              label: request.label,
              expiresInDays: request.expiresInDays,
              scopes: request.scopes ?? ['intake'],
              by: { system: 'cli' },
              now,
            });
      out(issued.token);
      const scopes = issued.scopes.length ? issued.scopes.join(', ') : "everything the person's role allows";
      err(
        `token ${issued.id} (${issued.prefix}…, "${issued.label}") for ${issued.kind === 'integration' ? `integration ${issued.personEmail}` : issued.personEmail}, ${issued.expiresAt ? `expires ${issued.expiresAt}` : 'does not expire'}, scopes: ${scopes}. The secret above is shown this once: send it as "Authorization: Bearer <token>".`,
      );
      return 0;
    },
  },
  'tokens list': {
    options: [{ name: 'email', required: true }],
    async handle({ db, tenant, options, out, now }) {
      const email = valid(EmailSchema.safeParse(options.email), 'email');
      const tokens = await listTokens(db, { tenant, personEmail: email, by: { system: 'cli' }, now });
      if (tokens.length === 0) out(`${email} has no tokens; create one with: leadflow tokens create --email ${email}`);
      for (const token of tokens) out(describeToken(token));
      return 0;
    },
  },
  'tokens revoke': {
    options: [{ name: 'id', required: true }],
    async handle({ db, tenant, options, out, now }) {
      const token = await revokeToken(db, { tenant, id: options.id ?? '', by: { system: 'cli' }, now });
      out(
        `revoked ${token.id} (${token.prefix}…, "${token.label}" of ${token.personEmail}) on ${token.revokedAt ?? ''}`,
      );
      return 0;
    },
  },
};

function describeToken(token: TokenView): string {
  const when =
    token.status === 'revoked'
      ? `revoked ${token.revokedAt ?? ''}`
      : token.expiresAt
        ? `${token.status === 'expired' ? 'expired' : 'expires'} ${token.expiresAt}`
        : 'no expiry';
  return `${token.id}  ${token.prefix}…  ${token.status.padEnd(7)}  "${token.label}"  created ${token.createdAt}  last used ${token.lastUsedAt ?? 'never'}  ${when}`;
}

function parse(args: string[], options: { name: string; required?: boolean }[]): Options {
  let values: Options;
  try {
    const parsed = parseArgs({
      args,
      options: Object.fromEntries(options.map((o) => [o.name, { type: 'string' as const }])),
      strict: true,
      // A command whose one option is --email (people invite, people set-password, tokens list) takes it as an argument too.
      allowPositionals: options.length === 1 && options[0]?.name === 'email',
    });
    values = parsed.values;
    if (parsed.positionals.length > 1) throw new UsageError(`unexpected arguments: ${parsed.positionals.join(' ')}`);
    if (parsed.positionals[0] !== undefined) {
      if (values.email !== undefined) throw new UsageError('give the email once: <email> or --email <email>');
      values.email = parsed.positionals[0];
    }
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const missing = options.filter((o) => o.required && values[o.name] === undefined).map((o) => `--${o.name}`);
  if (missing.length) throw new UsageError(`missing ${missing.join(', ')}`);
  return values;
}

/** The parsed value, or a validation error naming the flags. */
function valid<T>(
  result: { success: true; data: T } | { success: false; error: Parameters<typeof fieldErrors>[0] },
  path?: string,
): T {
  if (result.success) return result.data;
  const fields = fieldErrors(result.error).map((f) => ({ ...f, path: path ?? f.path }));
  throw new LeadflowError('validation_failed', 'The input is invalid:', { details: fields });
}

const FLAG_OF_FIELD: Record<string, string> = {
  managerEmail: 'manager',
  timeZone: 'time-zone',
  expiresInDays: 'expires-in-days',
};

function flagOf(path: string): string {
  return FLAG_OF_FIELD[path] ?? path;
}
