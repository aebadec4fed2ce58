import { describe, expect, it } from 'vitest';
import { negotiateLocale } from '../../src/domain/customer-messages';
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
