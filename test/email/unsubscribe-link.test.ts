import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { negotiateLocale } from '../../src/domain/customer-messages';
import { ensureLinkSecret, LinkSecretError, LINK_SECRET_FILE } from '../../src/email/link-secret';
import { unsubscribeLinks } from '../../src/email/unsubscribe-link';

const SECRET = 'unit-test-link-secret-0123456789abcdef';
const LEAD = 'ld_abcdefghijklmnopqrstuv';

describe('signed unsubscribe links', () => {
  const links = unsubscribeLinks(SECRET, 'https://leadflow.acme.com/');
  const token = links.urlFor(LEAD).split('/u/')[1]!;

  it('when a link is made, then it sits under the public URL and verifies to its lead', () => {
    expect(links.urlFor(LEAD)).toMatch(/^https:\/\/leadflow\.acme\.com\/u\/ld_abcdefghijklmnopqrstuv\.[\w-]{32}$/);
    expect(links.verify(token)).toBe(LEAD);
  });

  it('when any character of the signature changes, then the link does not verify', () => {
    const signature = token.slice(token.indexOf('.') + 1);
    for (let i = 0; i < signature.length; i++) {
      const changed = signature.slice(0, i) + (signature[i] === 'a' ? 'b' : 'a') + signature.slice(i + 1);
      expect(links.verify(`${LEAD}.${changed}`), `position ${i}`).toBeNull();
    }
  });

  it.each([
    ['another lead with this signature', `ld_abcdefghijklmnopqrstuw${token.slice(token.indexOf('.'))}`],
    ['a link signed with another secret', unsubscribeLinks(`${SECRET}x`, '').urlFor(LEAD).split('/u/')[1]!],
    ['no signature', LEAD],
    ['a short signature', token.slice(0, -1)],
    ['a long signature', `${token}A`],
    ['path characters', `../${token}`],
    ['nothing', ''],
  ])('when the token is %s, then it does not verify', (_case, candidate) => {
    expect(links.verify(candidate)).toBeNull();
  });
});

describe('the link secret', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-link-'));
    dirs.push(dir);
    return path.join(dir, 'data');
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('when none is configured, then one is generated into the data dir (owner-only) and the same one is read on the next start', async () => {
    const dir = dataDir();
    const [first, concurrent] = await Promise.all([
      ensureLinkSecret({ dataDir: dir }),
      ensureLinkSecret({ dataDir: dir }),
    ]);
    expect(first).toMatch(/^[\w-]{43}$/);
    expect(concurrent).toBe(first);
    expect(statSync(path.join(dir, LINK_SECRET_FILE)).mode & 0o777).toBe(0o600);
    expect(await ensureLinkSecret({ dataDir: dir })).toBe(first);
  });

  it('when LEADFLOW_LINK_SECRET is set, then it wins and no file is written', async () => {
    const dir = dataDir();
    expect(await ensureLinkSecret({ dataDir: dir, configured: SECRET })).toBe(SECRET);
    expect(() => statSync(path.join(dir, LINK_SECRET_FILE))).toThrow();
  });

  it('when the file holds no secret, then start-up fails saying what to do instead of replacing it', async () => {
    const dir = dataDir();
    await ensureLinkSecret({ dataDir: dir });
    writeFileSync(path.join(dir, LINK_SECRET_FILE), '\n');
    await expect(ensureLinkSecret({ dataDir: dir })).rejects.toThrow(LinkSecretError);
    await expect(ensureLinkSecret({ dataDir: dir })).rejects.toThrow(/delete it to generate a new one/);
  });
});

describe('the language of customer pages', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['zh-Hans-CN', 'zh-CN'],
    ['en-GB,en;q=0.9,zh-CN;q=0.8', 'en'],
    ['fr-FR, zh-CN;q=0.5, en;q=0.4', 'zh-CN'],
    ['en;q=0.2, zh-CN;q=0.9', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['de-DE', 'en'],
  ])('when Accept-Language is %j, then the page is in %s', (header, locale) => {
    expect(negotiateLocale(header)).toBe(locale);
  });
});
