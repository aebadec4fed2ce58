import { describe, expect, it } from 'vitest';
import { renderEmail, type Personalisation } from '../../src/domain/email-template';
import { LANGUAGES } from '../../src/domain/languages';
import { loadRulesetFromDir } from '../../src/rules/load-dir';
import { leadPersonalisation } from '../../src/email/lead-personalisation';

const full: Personalisation = {
  contact: { firstName: 'Ada', lastName: 'Lovelace', title: 'CTO' },
  company: { name: 'Analytical Engines' },
  owner: {
    firstName: 'Grace',
    name: 'Grace Hopper',
    email: 'grace@leadflow.example',
    meetingLink: 'https://cal.example/grace',
  },
  source: { campaign: 'SaaStr 2025' },
  unsubscribeUrl: 'https://leadflow.example/u/abc',
};
const shipped = await loadRulesetFromDir('rules');
if (!shipped.ok) throw new Error(`the shipped rules do not load: ${JSON.stringify(shipped.diagnostics)}`);
const shippedTemplates = shipped.ruleset.cadences.templates;

const bare: Personalisation = { unsubscribeUrl: 'https://leadflow.example/u/abc' };

const line = (text: string, values: Personalisation) => renderEmail({ subject: text, body: text }, values).subject;

describe('renderEmail: each placeholder with and without its value', () => {
  it.each([
    [
      '{{contact.firstName}}, a quick question about {{company.name}}',
      full,
      'Ada, a quick question about Analytical Engines',
    ],
    ['{{contact.firstName}}, a quick question about {{company.name}}', bare, 'A quick question about your company'],
    ['Should I close your file, {{contact.firstName}}?', bare, 'Should I close your file?'],
    ['Hi {{contact.firstName}},', bare, 'Hi there,'],
    ['Hi {{contact.firstName}} {{contact.lastName}},', { ...bare, contact: { firstName: 'Ada' } }, 'Hi Ada,'],
    ['As {{contact.title}} you know', full, 'As CTO you know'],
    ['Great meeting you at {{source.campaign}}', bare, 'Great meeting you at the event'],
    ['{{owner.firstName}}', { ...bare, owner: { name: 'Grace Hopper' } }, 'Grace'],
    ['{{owner.firstName}}', bare, 'The team'],
    ['{{owner.name}}', { ...bare, owner: { firstName: 'Grace' } }, 'Grace'],
    [
      'pick a time: {{owner.meetingLink}}',
      { ...bare, owner: { email: 'grace@leadflow.example' } },
      'pick a time: mailto:grace@leadflow.example',
    ],
    ['pick a time: {{owner.meetingLink}}', bare, 'pick a time: just reply to this email'],
    ['Unsubscribe: {{unsubscribeUrl}}', { unsubscribeUrl: ' ' }, 'Unsubscribe: reply with UNSUBSCRIBE'],
    ['Hi {{contact.firstName}},', { ...bare, contact: { firstName: '   ' } }, 'Hi there,'],
    ['Hi {{contact.firstName}},', { ...bare, contact: { firstName: null } }, 'Hi there,'],
    ['Hi {{ contact.firstName }},', full, 'Hi Ada,'],
    ['Hi {{contact.nickname}}!', full, 'Hi!'],
  ])('when the template is %j with %j, then it reads %j', (template, values, expected) => {
    expect(line(template, values)).toBe(expected);
  });

  it('when a value contains a placeholder, then it is shown as typed, not expanded', () => {
    expect(line('Hi {{contact.firstName}}', { ...full, contact: { firstName: '{{owner.email}}' } })).toBe(
      'Hi {{owner.email}}',
    );
  });

  it('when values are missing, then the result names the placeholders that fell back', () => {
    const rendered = renderEmail(
      {
        subject: '{{contact.firstName}}, about {{company.name}}',
        body: 'Hi {{contact.firstName}}, {{owner.firstName}}',
      },
      { ...bare, owner: { firstName: 'Grace' } },
    );
    expect(rendered.fallbacks.sort()).toEqual(['company.name', 'contact.firstName']);
  });

  it('when a value has a line break, then the subject stays one line', () => {
    expect(line('About {{company.name}}', { ...full, company: { name: 'Evil\r\nBcc: everyone@example.com' } })).toBe(
      'About Evil Bcc: everyone@example.com',
    );
  });
});

describe('renderEmail: HTML body', () => {
  it('when a value contains markup, then the HTML shows it as text and the plain text keeps it', () => {
    const rendered = renderEmail(
      { subject: 's', body: 'Hi {{contact.firstName}} from {{company.name}}' },
      { ...full, company: { name: '<script>alert("x")</script> & Co' } },
    );
    expect(rendered.text).toBe('Hi Ada from <script>alert("x")</script> & Co');
    expect(rendered.html).toBe('<p>Hi Ada from &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</p>');
  });

  it('when the body has paragraphs, lines and links, then the HTML has <p>, <br> and <a>', () => {
    const rendered = renderEmail(
      {
        subject: 's',
        body: 'Hi {{contact.firstName}},\n\nBook here: {{owner.meetingLink}}.\nBest,\n{{owner.firstName}}\n',
      },
      full,
    );
    expect(rendered.html).toBe(
      '<p>Hi Ada,</p>\n<p>Book here: <a href="https://cal.example/grace">https://cal.example/grace</a>.<br>\nBest,<br>\nGrace</p>',
    );
  });

  it('when a link value tries to break out of its attribute, then it cannot', () => {
    const rendered = renderEmail(
      { subject: 's', body: '{{owner.meetingLink}}' },
      { ...full, owner: { meetingLink: 'https://x.example/"><img src=x onerror=alert(1)>' } },
    );
    expect(rendered.html).not.toMatch(/<img/);
    expect(rendered.html).toContain('<a href="https://x.example/">https://x.example/</a>&quot;&gt;&lt;img');
  });
});

describe('renderEmail: the shipped cadences.yaml templates', () => {
  const unsubscribeLine = {
    en: 'Unsubscribe: https://leadflow.example/u/abc',
    'zh-CN': '退订：https://leadflow.example/u/abc',
  };
  it.each(
    Object.entries(shippedTemplates).flatMap(([name, texts]) =>
      LANGUAGES.map((language) => [name, language, texts[language]] as const),
    ),
  )(
    'when %s is rendered in %s for a lead we know nothing about, then no placeholder, "undefined" or "null" shows',
    (_name, language, template) => {
      const rendered = renderEmail(template, bare, language);
      for (const part of [rendered.subject, rendered.text, rendered.html]) {
        expect(part).not.toMatch(/\{\{|\}\}|undefined|null/);
      }
      expect(rendered.text).toContain(unsubscribeLine[language]);
    },
  );

  it('when mql-intro is rendered in zh-CN for a lead without a name, then the Chinese text reads without the name and the fallbacks are Chinese', () => {
    const rendered = renderEmail(shippedTemplates['mql-intro']!['zh-CN'], bare, 'zh-CN');
    expect(rendered.subject).toBe('想请教一个关于贵公司的问题');
    expect(rendered.text.split('\n')[0]).toBe('您好：');
    expect(rendered.text).toContain('祝好，\n团队\n');
    expect(rendered.text).toContain('您可以在这里选择时间：直接回复此邮件即可');
  });

  it('when mql-intro is rendered for a known lead and owner, then the rep would send exactly this', () => {
    const rendered = renderEmail(shippedTemplates['mql-intro']!.en, full);
    expect(rendered.subject).toBe('Ada, a quick question about Analytical Engines');
    expect(rendered.text).toBe(
      'Hi Ada,\n\nI saw you were looking at how teams like Analytical Engines automate their sales process.\n' +
        'Would a 20-minute call next week help? You can pick a time here: https://cal.example/grace\n\nBest,\nGrace\n\n' +
        'Unsubscribe: https://leadflow.example/u/abc\n',
    );
    expect(rendered.fallbacks).toEqual([]);
  });
});

describe('leadPersonalisation: what the cadence activity and the lead page fill a lead email with', () => {
  const lead = {
    tenant: 't',
    firstName: 'Ada',
    lastName: null,
    title: 'CTO',
    company: 'Analytical Engines',
    ownerId: 'grace@leadflow.example',
    sourceDetails: { event: 'SaaStr 2025' },
  };

  it('names the owner, and takes the event when the lead has no campaign', () => {
    const subject = '{{contact.firstName}}, from {{owner.firstName}} after {{source.campaign}}';
    expect(line(subject, leadPersonalisation(lead, 'Grace Hopper', ''))).toBe('Ada, from Grace after SaaStr 2025');
    expect(line(subject, leadPersonalisation({ ...lead, sourceDetails: { campaign: 7 } }, null, ''))).toBe(
      'Ada, from The team after the event',
    );
  });
});
