/**
 * Field messages in the caller's language on routes that word their own rules (rules, people,
 * reps, webhooks, auth): a Chinese reader (Accept-Language: zh-CN) reads Chinese, everyone else
 * the English these routes always answered. Provider-independent, so SQLite only.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestSystem, type TestSystem } from '../support/system';

const SECRET = 'form-webhook-secret-0123456789';
const CHINESE = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' };
const ENGLISH = { 'accept-language': 'en-GB' };

describe('field messages in the caller’s language', () => {
  let system: TestSystem;
  const api = (path: string) => `${system.url}${path}`;

  beforeAll(async () => {
    system = await startTestSystem('sqlite', { LEADFLOW_WEBHOOK_SECRET: SECRET }, { worker: false });
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });

  /** A form tool's signed, urlencoded delivery. */
  async function deliver(form: Record<string, string>, headers: Record<string, string>) {
    const body = new URLSearchParams(form).toString();
    const at = Math.floor(Date.now() / 1000);
    const signature = `sha256=${createHmac('sha256', SECRET).update(`${at}.${body}`).digest('hex')}`;
    const response = await fetch(api('/api/webhooks/forms'), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-leadflow-timestamp': String(at),
        'x-leadflow-signature': signature,
        ...headers,
      },
      body,
    });
    return { status: response.status, body: (await response.json()) as { error: Record<string, unknown> } };
  }

  const requests = {
    'rules: a file to validate without its kind': (headers: Record<string, string>) =>
      http(api('/api/rules/validate'), { body: { text: 'version: 1' }, headers }),
    'rules: an activation range that ends before it starts': (headers: Record<string, string>) =>
      http(api('/api/rules/activations?since=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z'), { headers }),
    'people: an integration token with a malformed name and a blank label': (headers: Record<string, string>) =>
      http(api('/api/integrations/Web_Forms/tokens'), { body: { label: ' ' }, headers }),
    'reps: an out-of-office that ends before it starts': (headers: Record<string, string>) =>
      http(api('/api/reps/ooo@example.com'), {
        method: 'PUT',
        body: { outOfOffice: { from: '2026-03-10T09:00:00Z', until: '2026-03-09T09:00:00Z' } },
        headers,
      }),
    'webhooks: a form without an email or an external id': (headers: Record<string, string>) =>
      deliver({ first_name: 'Mei' }, headers),
    'auth: a new password with a mistyped link': (headers: Record<string, string>) =>
      http(api('/api/auth/password'), { body: { token: 'lf_short', password: 'short' }, headers, anonymous: true }),
  };

  it('when a Chinese reader sends invalid input to rules, people, reps, webhooks and auth routes, then each field says why in Chinese', async () => {
    const answers = Object.fromEntries(
      await Promise.all(Object.entries(requests).map(async ([what, send]) => [what, await send(CHINESE)] as const)),
    );
    const summary = Object.fromEntries(
      Object.entries(answers).map(([what, { status, body }]) => [what, { status, fields: body.error.fields }]),
    );
    expect(summary).toEqual({
      'rules: a file to validate without its kind': {
        status: 400,
        fields: [
          {
            path: 'kind',
            message:
              '请填写 "kind"（scoring, routing, escalation, cadences, approvals, forecast, loss-reasons）或 "fileName"，如 "routing.yaml"',
          },
        ],
      },
      'rules: an activation range that ends before it starts': {
        status: 422,
        fields: [{ path: 'query.until', message: '必须晚于 since' }],
      },
      'people: an integration token with a malformed name and a blank label': {
        status: 400,
        fields: [
          { path: 'params.name', message: '须是 2–63 个小写字母、数字或连字符，如 "webflow-forms"' },
          { path: 'label', message: '不能为空' },
        ],
      },
      'reps: an out-of-office that ends before it starts': {
        status: 422,
        fields: [{ path: 'outOfOffice.until', message: '必须晚于 "from"' }],
      },
      'webhooks: a form without an email or an external id': {
        status: 400,
        fields: [{ path: 'email', message: '未提供 externalId 时必填（线索以电子邮件或外部编号识别）' }],
      },
      'auth: a new password with a mistyped link': {
        status: 400,
        fields: [
          { path: 'token', message: '须是邮件链接中的令牌（"#" 之后的部分）' },
          { path: 'password', message: '至少 12 个字符' },
        ],
      },
    });
    expect(answers['reps: an out-of-office that ends before it starts']!.body.error.code).toBe('unprocessable');
  });

  it('when an English reader sends the same input, then the fields say what these routes always said', async () => {
    const answers = await Promise.all(Object.values(requests).map((send) => send(ENGLISH)));
    expect(answers.map(({ status, body }) => ({ status, fields: body.error.fields }))).toEqual([
      {
        status: 400,
        fields: [
          {
            path: 'kind',
            message:
              'give "kind" (scoring, routing, escalation, cadences, approvals, forecast, loss-reasons) or a "fileName" such as "routing.yaml"',
          },
        ],
      },
      { status: 422, fields: [{ path: 'query.until', message: 'must be after since' }] },
      {
        status: 400,
        fields: [
          {
            path: 'params.name',
            message: 'must be 2–63 lower-case letters, digits or dashes, e.g. "webflow-forms"',
          },
          { path: 'label', message: 'must not be empty' },
        ],
      },
      { status: 422, fields: [{ path: 'outOfOffice.until', message: 'must be after "from"' }] },
      {
        status: 400,
        fields: [
          {
            path: 'email',
            message: 'is required unless externalId is given (a lead is identified by its email or its external id)',
          },
        ],
      },
      {
        status: 400,
        fields: [
          { path: 'token', message: 'must be the token from the emailed link (the part after "#")' },
          { path: 'password', message: 'must be at least 12 characters (a few words make a good one)' },
        ],
      },
    ]);
  });
});
