/**
 * What slows an attacker down, seen from outside: security headers on every response, 429 with
 * Retry-After beyond the rate limits, and a block on an address that keeps presenting invalid
 * tokens. Clients are told apart by X-Forwarded-For, which the API trusts from loopback (the
 * default LEADFLOW_TRUST_PROXY), as it would from a reverse proxy on the same host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';

const API_LIMIT = 20;
const INTAKE_LIMIT = 8;
const from = (address: string) => ({ 'x-forwarded-for': address });
const unknownToken = (i: number) => `lf_${String(i).padStart(43, 'Z')}`;

describe('abuse limits and security headers', () => {
  let system: TestSystem;
  beforeAll(async () => {
    // The bad-token threshold stays at its default (10); the request limits are small to reach.
    system = await startTestSystem('sqlite', {
      LEADFLOW_RATE_LIMIT: String(API_LIMIT),
      LEADFLOW_INTAKE_RATE_LIMIT: String(INTAKE_LIMIT),
    });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('when one address presents 30 invalid tokens, then the first 10 are 401 and the rest 429 with Retry-After; a valid token works from another address but not from that one', async () => {
    const attacker = from('203.0.113.7');
    const answers = [];
    for (let i = 0; i < 30; i++)
      answers.push(await http(`${system.url}/api/me`, { headers: { ...attacker, ...bearer(unknownToken(i)) } }));
    expect(answers.map((a) => a.status)).toEqual([...Array(10).fill(401), ...Array(20).fill(429)]);
    const refused = answers[10]!;
    expect(refused.body.error).toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('Too many invalid API tokens came from this address'),
    });
    expect(refused.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(50);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const token = await system.personToken('ada.ops@example.com', 'revops');
    const elsewhere = await http(`${system.url}/api/me`, { headers: { ...from('198.51.100.4'), ...bearer(token) } });
    expect(elsewhere).toMatchObject({ status: 200, body: { email: 'ada.ops@example.com' } });
    const sameAddress = await http(`${system.url}/api/me`, { headers: { ...attacker, ...bearer(token) } });
    expect(sameAddress.status).toBe(429);
    expect((await http(`${system.url}/health`, { headers: attacker })).status).toBe(200);
  });

  it('when one token goes over the API limit, then it gets 429 with Retry-After and RateLimit headers, while another token on the same address does not', async () => {
    const office = from('192.0.2.10');
    const busy = await system.personToken('busy.rep@example.com', 'rep');
    const calm = await system.personToken('calm.rep@example.com', 'rep');
    const statuses = [];
    for (let i = 0; i <= API_LIMIT; i++)
      statuses.push((await http(`${system.url}/api/me`, { headers: { ...office, ...bearer(busy) } })).status);
    expect(statuses).toEqual([...Array(API_LIMIT).fill(200), 429]);

    const over = await http(`${system.url}/api/me`, { headers: { ...office, ...bearer(busy) } });
    expect(over.status).toBe(429);
    expect(over.body.error).toEqual({
      code: 'rate_limited',
      message: expect.stringMatching(/the api limit is 20 a minute per API token; retry after \d+ s/),
    });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.headers.get('ratelimit-policy')).toMatch(/^"api"; q=20; w=60; pk=:/);
    expect(over.headers.get('ratelimit')).toMatch(/^"api"; r=0; t=\d+$/);

    const neighbour = await http(`${system.url}/api/me`, { headers: { ...office, ...bearer(calm) } });
    expect(neighbour.status).toBe(200);
    expect(neighbour.headers.get('ratelimit')).toMatch(new RegExp(`^"api"; r=${API_LIMIT - 1}; t=\\d+$`));
  });

  it('when requests come without a token, then they count per client address', async () => {
    const crawler = from('192.0.2.99');
    const statuses = [];
    for (let i = 0; i <= API_LIMIT; i++)
      statuses.push((await http(`${system.url}/openapi.json`, { headers: crawler })).status);
    expect(statuses).toEqual([...Array(API_LIMIT).fill(200), 429]);
    expect((await http(`${system.url}/openapi.json`, { headers: from('192.0.2.100') })).status).toBe(200);
  });

  it('when a token captures leads past the intake limit, then intake answers 429 and the same token still reads the API', async () => {
    const sync = await system.personToken('crm.sync@example.com', 'revops');
    const headers = { ...from('192.0.2.20'), ...bearer(sync) };
    const statuses = [];
    for (let i = 0; i <= INTAKE_LIMIT; i++)
      statuses.push(
        (
          await http(`${system.url}/api/leads`, {
            headers,
            body: { email: `burst-${i}@intake.example`, source: 'events' },
          })
        ).status,
      );
    expect(statuses).toEqual([...Array(INTAKE_LIMIT).fill(201), 429]);
    const over = await http(`${system.url}/api/leads`, {
      headers,
      body: { email: 'late@intake.example', source: 'events' },
    });
    expect(over.headers.get('ratelimit-policy')).toMatch(/^"intake"; q=8; w=60;/);
    expect(over.body.error.message).toContain('the intake limit is 8 a minute per API token');

    const read = await http(`${system.url}/api/me`, { headers });
    expect(read.status).toBe(200);
    expect(read.headers.get('ratelimit')).toMatch(new RegExp(`^"api"; r=${API_LIMIT - 1};`));
  });

  it.each([
    ['the health check', '/health', {}, 200],
    ['an API answer', '/api/me', 'token', 200],
    ['the dashboard', '/', {}, 200],
    ['an authentication error', '/api/me', { authorization: 'Bearer nope' }, 401],
    ['an unknown API route', '/api/nothing-here', 'token', 404],
  ] as const)('when the API serves %s, then the security headers are on it', async (_what, path, auth, status) => {
    const headers =
      auth === 'token' ? bearer(await system.personToken('headers.ops@example.com', 'revops')) : { ...auth };
    const response = await fetch(`${system.url}${path}`, { headers: { ...from('192.0.2.50'), ...headers } });
    expect(response.status).toBe(status);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]{22}=='/);
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it("when the operations console is loaded twice, then each load's inline script carries that response's own nonce", async () => {
    const nonces = [];
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${system.url}/console`, { headers: from('192.0.2.51') });
      const csp = response.headers.get('content-security-policy') ?? '';
      const html = await response.text();
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      expect(html).toContain(`<script nonce="${nonce}">`);
      expect(html).toContain(`<style nonce="${nonce}">`);
      expect(html).not.toMatch(/<script>|<style>|\sstyle="/);
      nonces.push(nonce);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });
});
