import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configReference, loadConfig } from '../src/config';

describe('configuration', () => {
  it('when nothing is set, then leadflow runs embedded: SQLite and Temporal dev server under .data/', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ port: 3000, host: '127.0.0.1' });
    expect(config.database).toEqual({
      provider: 'sqlite',
      url: `file:${path.resolve('.data/leadflow.db')}`,
      filePath: path.resolve('.data/leadflow.db'),
    });
    expect(config.temporal).toMatchObject({
      mode: 'embedded',
      address: '127.0.0.1:7233',
      uiPort: 8233,
      dbFile: path.resolve('.data/temporal.db'),
    });
    expect(config.rulesDir).toBe(path.resolve('rules'));
  });

  it('when LEADFLOW_DATA_DIR is set, then both embedded stores live there', () => {
    const config = loadConfig({ LEADFLOW_DATA_DIR: '/var/lib/leadflow' });
    expect(config.database).toMatchObject({ provider: 'sqlite', filePath: '/var/lib/leadflow/leadflow.db' });
    expect(config.temporal).toMatchObject({ dbFile: '/var/lib/leadflow/temporal.db' });
  });

  it('when DATABASE_URL is postgresql://, then PostgreSQL is used', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@db:5432/leadflow' }).database).toEqual({
      provider: 'postgresql',
      url: 'postgresql://u:p@db:5432/leadflow',
    });
  });

  it('when TEMPORAL_ADDRESS and an API key are set, then the external cluster is used with TLS', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'acme.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'acme.a1b2c',
      TEMPORAL_API_KEY: 'secret',
    });
    expect(config.temporal).toMatchObject({
      mode: 'external',
      address: 'acme.a1b2c.tmprl.cloud:7233',
      namespace: 'acme.a1b2c',
      apiKey: 'secret',
      tls: {},
    });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT="eighty": must be a port number\. HTTP port/],
    [{ PORT: '70000' }, /PORT="70000": must be 0–65535/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL="loud"/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: .*must start with "file:" \(SQLite\) or "postgresql:\/\/"/],
    [{ DATABASE_URL: 'postgresql://u@h/db?schema=crm' }, /\?schema=crm is not supported/],
    [
      { TEMPORAL_ADDRESS: 'x:7233', TEMPORAL_TLS_CERT_PATH: '/c.pem' },
      /TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together/,
    ],
    [{ LEADFLOW_TENANT: 'Acme Corp' }, /LEADFLOW_TENANT="Acme Corp": must be lowercase letters, digits and dashes/],
    [{ LEADFLOW_TRUST_PROXY: 'true' }, /LEADFLOW_TRUST_PROXY="true": must be false, a hop count, or comma-separated/],
    [{ LEADFLOW_TRUST_PROXY: '10.0.0.0/33' }, /LEADFLOW_TRUST_PROXY="10.0.0.0\/33": must be false/],
    [{ LEADFLOW_RATE_LIMIT: '-1' }, /LEADFLOW_RATE_LIMIT="-1": must be 0 or more\. Requests per minute/],
    [{ LEADFLOW_WEBHOOK_ALLOW_UNSIGNED: 'yes' }, /LEADFLOW_WEBHOOK_ALLOW_UNSIGNED="yes": must be true or false/],
  ])('when the environment is %j, then start-up fails with a message saying what to fix', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('when nothing about abuse is set, then the limits are on, form webhooks must be signed with the data dir secret, and only loopback proxies are trusted', () => {
    const config = loadConfig({ LEADFLOW_DATA_DIR: '/var/lib/leadflow' });
    expect(config.abuse).toEqual({ trustProxy: 'loopback', apiPerMinute: 1200, intakePerMinute: 3000, badTokens: 10 });
    expect(config.formWebhooks).toEqual({
      secret: undefined,
      secretFile: '/var/lib/leadflow/webhook-secret',
      allowUnsigned: false,
    });
  });

  it.each([
    ['false', false],
    ['2', 2],
    ['10.0.0.0/8, 192.168.1.7', '10.0.0.0/8, 192.168.1.7'],
    ['loopback,uniquelocal,fd00::/8', 'loopback,uniquelocal,fd00::/8'],
  ])('when LEADFLOW_TRUST_PROXY is %s, then Express gets %j', (value, expected) => {
    expect(loadConfig({ LEADFLOW_TRUST_PROXY: value }).abuse.trustProxy).toEqual(expected);
  });

  it('when the reference is listed, then every variable has a description', () => {
    const reference = configReference();
    expect(reference.map((entry) => entry.name)).toEqual(
      expect.arrayContaining(['PORT', 'LEADFLOW_DATA_DIR', 'DATABASE_URL', 'TEMPORAL_ADDRESS', 'LEADFLOW_RULES_DIR']),
    );
    expect(reference.filter((entry) => !entry.description)).toEqual([]);
  });
});
