/**
 * Meaning checks for cadences.yaml: templates that exist and only use known
 * placeholders, delays on every later step, sensible send windows, and enrolment that
 * names real cadences.
 */
import { suggestion } from '../did-you-mean';
import { LANGUAGES } from '../../domain/languages';
import type { CadencesFile, LocalizedTextSpec } from '../schema/cadences';
import type { DocPath, Finding } from '../yaml-source';
import { checkCondition, checkDuplicateNames, checkShadowing, unknownReference } from './conditions';

/** Personalisation fields a template may use, filled in by the email activity. */
export const TEMPLATE_PLACEHOLDERS = [
  'contact.firstName', 'contact.lastName', 'contact.title', 'company.name',
  'owner.firstName', 'owner.name', 'owner.email', 'owner.meetingLink', 'source.campaign', 'unsubscribeUrl',
] as const;

export function checkCadences(file: CadencesFile): Finding[] {
  const templates = Object.keys(file.templates);
  const cadences = file.cadences.map((c) => c.name);
  const used = new Set<string>();
  const findings: Finding[] = [
    ...checkWindow(file.sendWindow.from, file.sendWindow.to, ['sendWindow']),
    ...checkDuplicateNames(file.cadences, ['cadences'], 'cadence'),
    ...checkDuplicateNames(file.enrolment, ['enrolment'], 'enrolment rule'),
    ...checkShadowing(file.enrolment, ['enrolment'], 'enrolment rule'),
    ...Object.entries(file.templates).flatMap(([name, t]) => [...checkText(name, 'subject', t.subject), ...checkText(name, 'body', t.body)]),
    ...file.enrolment.flatMap((rule, i) => [
      ...checkCondition(rule.when, ['enrolment', i, 'when']),
      ...(cadences.includes(rule.cadence) ? [] : [unknownReference(['enrolment', i, 'cadence'], 'cadence', rule.cadence, cadences, 'cadences.yaml cadences')]),
    ]),
  ];
  file.cadences.forEach((cadence, c) => {
    if (cadence.sendWindow) findings.push(...checkWindow(cadence.sendWindow.from, cadence.sendWindow.to, ['cadences', c, 'sendWindow']));
    cadence.steps.forEach((step, s) => {
      const path: DocPath = ['cadences', c, 'steps', s];
      if (s > 0 && step.after === undefined) {
        findings.push({ path: [...path, 'after'], at: 'value', severity: 'error', code: 'missing-key', message: 'missing required key "after": every step after the first needs a delay', hint: 'e.g. after: 2 business days' });
      }
      if (step.do === 'email') {
        used.add(step.template);
        if (!templates.includes(step.template)) findings.push(unknownReference([...path, 'template'], 'template', step.template, templates, 'cadences.yaml templates'));
      }
    });
  });
  for (const name of templates.filter((t) => !used.has(t))) {
    findings.push({ path: ['templates', name], at: 'key', severity: 'warning', code: 'suspicious', message: `template "${name}" is not used by any cadence` });
  }
  return findings;
}

/**
 * A template's subject or body: known placeholders in every language's text, and a warning for
 * each language it has no text in (its leads get the English text). Found here, when the file is
 * loaded, never when an email goes out.
 */
function checkText(template: string, part: 'subject' | 'body', text: LocalizedTextSpec): Finding[] {
  const path: DocPath = ['templates', template, part];
  if (typeof text === 'string') {
    const others = LANGUAGES.filter((l) => l !== 'en');
    return [
      ...checkPlaceholders(text, path),
      {
        path, at: 'value', severity: 'warning', code: 'missing-translation',
        message: `template "${template}" has its ${part} in English only: leads writing ${others.join(', ')} get the English text`,
        hint: `give one text per language, e.g. ${part}: { en: "…", ${others.map((l) => `${l}: "…"`).join(', ')} }`,
      },
    ];
  }
  return LANGUAGES.flatMap((language): Finding[] => {
    const own = text[language];
    if (own !== undefined) return checkPlaceholders(own, [...path, language]);
    return [{
      path, at: 'key', severity: 'warning', code: 'missing-translation',
      message: `template "${template}" has no ${language} ${part}: leads writing ${language} get the English text`,
      hint: `add ${language}: "…" under ${part}`,
    }];
  });
}

function checkWindow(from: string, to: string, path: DocPath): Finding[] {
  return from < to ? [] : [{ path: [...path, 'to'], at: 'value', severity: 'error', code: 'invalid-value', message: `the send window must end (${to}) after it starts (${from})` }];
}

function checkPlaceholders(text: string, path: DocPath): Finding[] {
  return [...text.matchAll(/\{\{\s*([^}\s]*)\s*\}\}/g)].flatMap((match): Finding[] => {
    const name = match[1] ?? '';
    if ((TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name)) return [];
    const hint = suggestion(name, TEMPLATE_PLACEHOLDERS);
    return [{ path, at: 'value', severity: 'error', code: 'unknown-placeholder', message: `unknown placeholder {{${name}}}`, ...(hint ? { hint } : {}) }];
  });
}
