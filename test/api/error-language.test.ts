import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/api/errors';
import { LeadflowError } from '../../src/domain/errors';
import { createLogger } from '../../src/logger';

/**
 * The refusals the workspace meets most, through the API's real error boundary, in the caller's
 * Accept-Language: Chinese for zh-CN, English (as the use-case wrote it) otherwise.
 */
describe('refusals in the caller’s language', () => {
  let server: Server;
  let url: string;
  const refusals: Record<string, () => Error> = {
    stale: () =>
      new LeadflowError(
        'stale_revision',
        'Deal dl_1 is at revision 4, not 3: it changed since you read it. Reload the needs analysis, reapply your edit and save with revision 4.',
        { details: [{ path: 'revision', message: 'the current revision is 4' }] },
      ),
    unlisted: () => new LeadflowError('conflict', 'The meeting is cancelled; only a scheduled meeting can change.'),
  };
  beforeAll(async () => {
    const app = express();
    app.get('/refuse/:kind', (req) => {
      throw refusals[req.params.kind]!();
    });
    app.use(errorHandler(createLogger('silent')));
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const refuse = async (kind: string, language?: string) => {
    const response = await fetch(`${url}/refuse/${kind}`, {
      headers: language ? { 'accept-language': language } : {},
    });
    return { status: response.status, body: (await response.json()) as { error: Record<string, unknown> } };
  };

  it('when a Chinese reader saves from a stale revision, then the 409 says so in Chinese with the current revision', async () => {
    const answer = await refuse('stale', 'zh-CN,zh;q=0.9,en;q=0.8');
    expect(answer.status).toBe(409);
    expect(answer.body.error).toEqual({
      code: 'stale_revision',
      message: '该记录在您读取之后已被他人修改（当前版本 4）。请重新加载，再次修改后保存。',
      fields: [{ path: 'revision', message: '当前版本为 4' }],
    });
  });

  it.each([undefined, 'en-GB', 'fr-FR, zh-TW'])(
    'when the caller asks for %s, then the refusal is the English the use-case wrote',
    async (language) => {
      const answer = await refuse('stale', language);
      expect(answer.body.error).toMatchObject({
        message: expect.stringContaining('Deal dl_1 is at revision 4, not 3'),
        fields: [{ path: 'revision', message: 'the current revision is 4' }],
      });
    },
  );

  it('when a refusal has no Chinese wording, then a Chinese reader gets its English', async () => {
    const answer = await refuse('unlisted', 'zh-CN');
    expect(answer.body.error).toEqual({
      code: 'conflict',
      message: 'The meeting is cancelled; only a scheduled meeting can change.',
    });
  });
});
