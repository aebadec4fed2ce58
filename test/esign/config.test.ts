import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

describe('e-signature configuration', () => {
  it('when nothing is set, then the embedded fake provider is used with a random secret per start', () => {
    const first = loadConfig({ LEADFLOW_DATA_DIR: '/var/lib/leadflow' }).esign;
    const second = loadConfig({ LEADFLOW_DATA_DIR: '/var/lib/leadflow' }).esign;
    expect(first).toEqual({
      provider: 'fake',
      webhookSecret: expect.stringMatching(/^[0-9a-f]{64}$/),
      fake: { url: undefined, port: 0, stateFile: path.resolve('/var/lib/leadflow/esign-fake.json') },
    });
    expect(second.webhookSecret).not.toBe(first.webhookSecret);
  });

  it('when a fake provider URL and secret are set, then both are used as given', () => {
    const esign = loadConfig({
      ESIGN_FAKE_URL: 'http://127.0.0.1:4010/',
      ESIGN_WEBHOOK_SECRET: 'shared-secret-0123456789',
    }).esign;
    expect(esign).toMatchObject({ webhookSecret: 'shared-secret-0123456789', fake: { url: 'http://127.0.0.1:4010' } });
  });

  it.each([
    [
      { ESIGN_FAKE_URL: 'http://127.0.0.1:4010' },
      /ESIGN_FAKE_URL is set but ESIGN_WEBHOOK_SECRET is not: set it to the secret that provider signs its webhooks with/,
    ],
    [{ ESIGN_PROVIDER: 'docusign' }, /ESIGN_PROVIDER="docusign": must be "fake" \(the only adapter so far/],
    [{ ESIGN_WEBHOOK_SECRET: 'short' }, /ESIGN_WEBHOOK_SECRET="short": must be at least 16 characters\. Shared secret/],
    [
      { ESIGN_FAKE_URL: 'localhost:4010', ESIGN_WEBHOOK_SECRET: 'shared-secret-0123456789' },
      /ESIGN_FAKE_URL="localhost:4010": must be an http\(s\) URL/,
    ],
    [{ ESIGN_FAKE_PORT: '99999' }, /ESIGN_FAKE_PORT="99999": must be 0–65535/],
  ])('when the environment is %j, then start-up fails saying what to fix', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
