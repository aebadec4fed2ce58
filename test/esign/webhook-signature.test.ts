import { describe, expect, it } from 'vitest';
import { SignatureWebhookError, type SignatureWebhookProblem } from '../../src/esign/adapter';
import { FakeSignatureClient } from '../../src/esign/fake-client';
import { signWebhook } from '../../src/esign/webhook-signature';

const SECRET = 'esign-test-secret-0123456789';
const NOW = new Date('2026-03-02T10:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const client = new FakeSignatureClient({ secret: SECRET, now: () => NOW });

const payload = {
  id: 'evt_1',
  type: 'envelope.signed',
  occurredAt: '2026-03-02T09:59:58.000Z',
  envelope: { id: 'env_1', status: 'signed', metadata: { tenant: 'acme', dealId: 'dl_1', quoteVersionId: 'qv_1' } },
};

function delivery(
  overrides: { body?: string; timestamp?: number; secret?: string; headers?: Record<string, string | undefined> } = {},
) {
  const body = overrides.body ?? JSON.stringify(payload);
  const timestamp = overrides.timestamp ?? NOW_S;
  const headers: Record<string, string | undefined> = {
    'x-esign-event-id': 'evt_1',
    'x-esign-timestamp': String(timestamp),
    'x-esign-signature': signWebhook(overrides.secret ?? SECRET, timestamp, body),
    ...overrides.headers,
  };
  return { body: Buffer.from(body), headers };
}

function problemOf(run: () => unknown): { problem: SignatureWebhookProblem; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SignatureWebhookError);
    return { problem: (error as SignatureWebhookError).problem, message: (error as Error).message };
  }
  throw new Error('the delivery was accepted');
}

describe('e-signature webhook signatures (HMAC-SHA256 over "<timestamp>.<body>")', () => {
  it('when a delivery is signed with the shared secret, then its event is read from the body', () => {
    const { body, headers } = delivery();
    expect(client.verifyWebhook(body, headers)).toEqual({
      eventId: 'evt_1',
      envelopeId: 'env_1',
      status: 'signed',
      at: '2026-03-02T09:59:58.000Z',
      metadata: { tenant: 'acme', dealId: 'dl_1', quoteVersionId: 'qv_1' },
    });
  });

  it('when the headers arrive in another letter case, then they are found all the same', () => {
    const { body, headers } = delivery();
    const shouted = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]));
    expect(client.verifyWebhook(body, shouted).eventId).toBe('evt_1');
  });

  it('when one byte of the body was changed after signing, then it is refused as a bad signature', () => {
    const { headers } = delivery();
    const tampered = Buffer.from(JSON.stringify({ ...payload, envelope: { ...payload.envelope, status: 'declined' } }));
    expect(problemOf(() => client.verifyWebhook(tampered, headers))).toMatchObject({
      problem: 'bad-signature',
      message: expect.stringContaining('X-Esign-Signature does not match'),
    });
  });

  it('when it was signed with another secret, then it is refused as a bad signature', () => {
    const { body, headers } = delivery({ secret: 'someone-elses-secret-000000' });
    expect(problemOf(() => client.verifyWebhook(body, headers)).problem).toBe('bad-signature');
  });

  it('when the timestamp header was moved forward to replay an old signature, then the signature no longer matches', () => {
    const { body, headers } = delivery({ timestamp: NOW_S - 3600 });
    expect(
      problemOf(() => client.verifyWebhook(body, { ...headers, 'x-esign-timestamp': String(NOW_S) })).problem,
    ).toBe('bad-signature');
  });

  it.each([
    ['6 minutes old', NOW_S - 360, /is 360 s old; deliveries are accepted within 300 s/],
    ['6 minutes in the future', NOW_S + 360, /is 360 s in the future/],
  ])(
    'when a correctly signed delivery is %s, then it is refused as stale (replay window)',
    (_label, timestamp, message) => {
      const { body, headers } = delivery({ timestamp });
      const refused = problemOf(() => client.verifyWebhook(body, headers));
      expect(refused.problem).toBe('stale-timestamp');
      expect(refused.message).toMatch(message);
    },
  );

  it('when it is 4 minutes old, then it is inside the window and accepted', () => {
    const { body, headers } = delivery({ timestamp: NOW_S - 240 });
    expect(client.verifyWebhook(body, headers).eventId).toBe('evt_1');
  });

  it.each([
    ['x-esign-signature', 'X-Esign-Signature is missing'],
    ['x-esign-timestamp', 'X-Esign-Timestamp is missing'],
    ['x-esign-event-id', 'X-Esign-Event-Id is missing'],
  ])('when the %s header is missing, then it is refused saying which header', (name, message) => {
    const { body, headers } = delivery({ headers: { [name]: undefined } });
    expect(problemOf(() => client.verifyWebhook(body, headers))).toEqual({
      problem: 'missing-signature',
      message: expect.stringContaining(message),
    });
  });

  it('when the timestamp is not Unix seconds, then it is refused before any HMAC is computed', () => {
    const { body, headers } = delivery({ headers: { 'x-esign-timestamp': '2026-03-02T10:00:00Z' } });
    expect(problemOf(() => client.verifyWebhook(body, headers))).toEqual({
      problem: 'missing-signature',
      message: expect.stringContaining('must be Unix seconds'),
    });
  });

  it.each([
    ['is not JSON', 'not json', /not JSON/],
    ['is not an envelope event', JSON.stringify({ ...payload, type: 'envelope.exploded' }), /type/],
    [
      'names another event than its header',
      JSON.stringify({ ...payload, id: 'evt_2' }),
      /does not match the body's event id/,
    ],
  ])('when a correctly signed body %s, then it is refused as malformed', (_label, body, message) => {
    const signed = delivery({ body });
    const refused = problemOf(() => client.verifyWebhook(signed.body, signed.headers));
    expect(refused.problem).toBe('malformed-body');
    expect(refused.message).toMatch(message);
  });
});
