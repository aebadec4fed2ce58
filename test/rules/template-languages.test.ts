/**
 * cadences.yaml templates per language: `subject: { en: …, zh-CN: … }` beside the plain string
 * (English for everyone). A template missing a language compiles to its English text, with a
 * warning at load time; a mistyped language or a missing English text is an error, all with
 * file:line:col.
 */
import { describe, expect, it } from 'vitest';
import { getTemplate } from '../../src/rules/evaluate';
import { formatDiagnostic } from '../../src/rules/types';
import { edit, loadWith, shippedTexts } from './support/rulesets';

const texts = await shippedTexts();
const cadences = texts['cadences.yaml']!;

/** The shipped cadences.yaml with mql-value's subject replaced by `subject` (YAML, indented as a key of the template). */
const withSubject = (subject: string) =>
  edit(
    cadences,
    '    subject:\n      en: "How teams like {{company.name}} cut lead response time"\n      zh-CN: "像{{company.name}}这样的团队如何缩短线索响应时间"\n',
    subject,
  );

async function load(subject: string) {
  const result = await loadWith({ 'cadences.yaml': withSubject(subject) });
  return result.ok
    ? { ok: true as const, ruleset: result.ruleset, warnings: result.warnings.map(formatDiagnostic) }
    : { ok: false as const, errors: result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic) };
}

describe('cadence templates per language', () => {
  it('when the shipped templates load, then every template has its own Chinese subject and body and no warning is given', async () => {
    const result = await loadWith();
    expect(result.ok && result.warnings.map(formatDiagnostic)).toEqual([]);
    if (!result.ok) return;
    const intro = getTemplate(result.ruleset, 'mql-intro', 'zh-CN');
    expect(intro?.subject).toBe('{{contact.firstName}}，想请教一个关于{{company.name}}的问题');
    expect(intro?.body).toContain('退订：{{unsubscribeUrl}}');
    expect(getTemplate(result.ruleset, 'mql-intro', 'en')?.subject).toBe('{{contact.firstName}}, a quick question about {{company.name}}');
  });

  it('when a subject is a plain string, then it is the English text for every language, with a warning naming the file position', async () => {
    const result = await load('    subject: "Faster answers for {{company.name}}"\n');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings).toEqual([
      'rules/cadences.yaml:55:14: warning: templates.mql-value.subject: template "mql-value" has its subject in English only: leads writing zh-CN get the English text (give one text per language, e.g. subject: { en: "…", zh-CN: "…" })',
    ]);
    expect(getTemplate(result.ruleset, 'mql-value', 'zh-CN')?.subject).toBe('Faster answers for {{company.name}}');
    expect(getTemplate(result.ruleset, 'mql-value', 'zh-CN')?.body).toContain('我们的客户');
  });

  it('when a template has no zh-CN subject, then zh-CN leads get the English subject and the compiler warns at load, not at send', async () => {
    const result = await load('    subject:\n      en: "Faster answers for {{company.name}}"\n');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings).toEqual([
      'rules/cadences.yaml:55:5: warning: templates.mql-value.subject: template "mql-value" has no zh-CN subject: leads writing zh-CN get the English text (add zh-CN: "…" under subject)',
    ]);
    expect(getTemplate(result.ruleset, 'mql-value', 'zh-CN')).toEqual({
      subject: 'Faster answers for {{company.name}}',
      body: getTemplate(result.ruleset, 'mql-value', 'zh-CN')!.body,
    });
    expect(getTemplate(result.ruleset, 'mql-value', 'zh-CN')!.body).toContain('我们的客户');
  });

  it.each([
    [
      'a language is misspelt',
      '    subject:\n      en: "Hello"\n      zh-cn: "你好"\n',
      'rules/cadences.yaml:57:7: templates.mql-value.subject.zh-cn: unknown key "zh-cn" (did you mean "zh-CN"?)',
    ],
    [
      'the English text is missing',
      '    subject:\n      zh-CN: "你好"\n',
      'rules/cadences.yaml:56:7: templates.mql-value.subject.en: missing required key "en"',
    ],
    [
      'a Chinese text uses an unknown placeholder',
      '    subject:\n      en: "Hello {{company.name}}"\n      zh-CN: "{{company.nam}}您好"\n',
      'rules/cadences.yaml:57:14: templates.mql-value.subject.zh-CN: unknown placeholder {{company.nam}} (did you mean "company.name"?)',
    ],
  ])('when %s, then the file is refused with file:line:col', async (_what, subject, expected) => {
    const result = await load(subject);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    // First (by position) the problem itself; a template that fails is then also unknown to the steps using it.
    expect(result.errors[0]).toBe(expected);
  });
});
