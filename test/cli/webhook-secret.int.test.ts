/**
 * Form webhooks are signed from the first start: `leadflow api` creates the secret in the data
 * dir (readable by its owner only), says where it is and never prints it; unsigned deliveries
 * pass only when LEADFLOW_WEBHOOK_ALLOW_UNSIGNED says so, with a warning at every start.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../src/temporal/dev-server';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startLeadflow, type Running } from '../support/leadflow-process';

/** Runs `leadflow api` until it is up, hands its URL and output to `use`, then stops it. */
async function withApi(env: Record<string, string>, use: (url: string, running: Running) => Promise<void>) {
  const running = startLeadflow(['api'], { ...env, PORT: String(await findFreePort()) });
  try {
    const [, url] = await running.waitFor(/API\s+(http:\/\/\S+)\/api/);
    await running.waitFor(/Stop with Ctrl\+C/);
    await use(url!, running);
  } finally {
    expect(await running.stop()).toBe(0);
  }
}

/**
 * Posts a submission whose email is invalid: 401 when its signature is refused, 400 (the field
 * error) when it got past the signature check. `leadflow api` runs no worker, so a valid lead
 * would wait for one; this answers at once.
 */
async function deliverForm(url: string, secret?: string) {
  const body = new URLSearchParams({ email: 'not-an-email' }).toString();
  const at = Math.floor(Date.now() / 1000);
  const signature: Record<string, string> = secret
    ? {
        'x-leadflow-timestamp': String(at),
        'x-leadflow-signature': `sha256=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`,
      }
    : {};
  const response = await fetch(`${url}/api/webhooks/forms`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...signature },
    body,
  });
  return response.status;
}

describe('the form webhook secret at start-up', () => {
  let database: TestDatabase;
  const dataDirs: string[] = [];
  const envFor = () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-webhook-secret-'));
    dataDirs.push(dataDir);
    return {
      dataDir,
      env: {
        LEADFLOW_DATA_DIR: path.join(dataDir, 'data'), // does not exist yet
        DATABASE_URL: database.target.url,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        LEADFLOW_TENANT: `t-${randomBytes(4).toString('hex')}`,
        LOG_LEVEL: 'info',
      },
    };
  };
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await database?.drop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('when leadflow api starts the first time, then it creates the secret (mode 0600), prints where it is but not the secret, and deliveries must be signed with it; the next start keeps it', async () => {
    const { dataDir, env } = envFor();
    const file = path.join(dataDir, 'data', 'webhook-secret');
    let secret = '';
    await withApi(env, async (url, first) => {
      secret = readFileSync(file, 'utf8').trim();
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(first.output()).toContain(`form webhooks must be signed: a secret was created in ${file}`);
      expect(first.output()).toContain(`Webhooks     form deliveries must be signed with the secret in ${file}`);
      expect(first.output()).not.toContain(secret);
      expect(first.output()).not.toContain('LEADFLOW_WEBHOOK_ALLOW_UNSIGNED');

      expect(await deliverForm(url)).toBe(401);
      expect(await deliverForm(url, 'a-guessed-secret-0123456789')).toBe(401);
      expect(await deliverForm(url, secret)).toBe(400);
    });
    await withApi(env, async (url, second) => {
      expect(second.output()).not.toContain('a secret was created');
      expect(second.output()).toContain(`must be signed with the secret in ${file}`);
      expect(await deliverForm(url, secret)).toBe(400);
    });
    expect(readFileSync(file, 'utf8').trim()).toBe(secret);
  });

  it('when LEADFLOW_WEBHOOK_SECRET is set, then no file is made and that secret signs; with unsigned deliveries allowed, every start warns', async () => {
    const { dataDir, env } = envFor();
    const secret = 'env-form-secret-0123456789';
    const allowing = { ...env, LEADFLOW_WEBHOOK_SECRET: secret, LEADFLOW_WEBHOOK_ALLOW_UNSIGNED: 'true' };
    for (let start = 0; start < 2; start++)
      await withApi(allowing, async (url, running) => {
        // The log is written asynchronously and may land after the banner: wait for it.
        await running.waitFor(/"level":40,.*LEADFLOW_WEBHOOK_ALLOW_UNSIGNED=true: form webhooks without/, 10_000);
        expect(running.output()).toContain(
          'Webhooks     form deliveries signed with LEADFLOW_WEBHOOK_SECRET, or UNSIGNED (LEADFLOW_WEBHOOK_ALLOW_UNSIGNED=true',
        );
        expect(running.output()).not.toContain(secret);
        expect(await deliverForm(url)).toBe(400);
        expect(await deliverForm(url, 'a-guessed-secret-0123456789')).toBe(401);
        expect(await deliverForm(url, secret)).toBe(400);
      });
    expect(existsSync(path.join(dataDir, 'data', 'webhook-secret'))).toBe(false);
  });
});
