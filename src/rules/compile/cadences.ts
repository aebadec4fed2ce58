/** cadences.yaml → its compiled, serialisable form. */
import { mustParseDuration } from '../duration';
import { LANGUAGES, type Language } from '../../domain/languages';
import type { CadenceStep, CompiledCadence, CompiledCadences, SendWindow, TemplateText } from '../ruleset';
import type { CadencesFile, CadenceStepSpec, LocalizedTextSpec, TemplateSpec } from '../schema/cadences';
import { compileTopCondition } from './condition';
import type { LineOf } from './line-of';

function compileStep(step: CadenceStepSpec): CadenceStep {
  const after = step.after === undefined ? null : mustParseDuration(step.after);
  switch (step.do) {
    case 'email': return { do: 'email', after, template: step.template };
    case 'call':
    case 'linkedin':
      return { do: step.do, after, task: textIn(step.task, 'en'), taskText: taskTexts(step.task) };
  }
}

/** A text in one language: its own, else the English one (semantics/cadences.ts warned about the gap). */
export function textIn(text: LocalizedTextSpec, language: Language): string {
  return typeof text === 'string' ? text : (text[language] ?? text.en);
}

/** A task's text in every language (English where the file gives no other). */
function taskTexts(text: LocalizedTextSpec): Record<Language, string> {
  return Object.fromEntries(LANGUAGES.map((language) => [language, textIn(text, language)])) as Record<Language, string>;
}

function compileTemplate(template: TemplateSpec): Record<Language, TemplateText> {
  return Object.fromEntries(
    LANGUAGES.map((language) => [language, { subject: textIn(template.subject, language), body: textIn(template.body, language) }]),
  ) as Record<Language, TemplateText>;
}

function windowHours(window: CadencesFile['sendWindow']): SendWindow {
  return { days: window.days, from: window.from, to: window.to };
}

export function compileCadences(file: CadencesFile, lineOf: LineOf): CompiledCadences {
  return {
    templates: Object.fromEntries(Object.entries(file.templates).map(([name, t]) => [name, compileTemplate(t)])),
    cadences: Object.fromEntries(
      file.cadences.map((c): [string, CompiledCadence] => [
        c.name,
        {
          name: c.name,
          sendWindow: windowHours(c.sendWindow ?? file.sendWindow),
          // A cadence's own window without `holidays` keeps the file-wide setting.
          holidayPolicy: c.sendWindow?.holidays ?? file.sendWindow.holidays ?? 'lead',
          stopWhen: c.stopWhen ?? file.stopWhen,
          steps: c.steps.map(compileStep),
        },
      ]),
    ),
    enrolment: file.enrolment.map((rule, i) => ({
      name: rule.name,
      conditions: compileTopCondition(rule.when),
      event: { type: 'enrol', params: { cadence: rule.cadence } },
      line: lineOf(['enrolment', i]),
    })),
    tests: (file.tests ?? []).map((test, i) => ({ ...test, line: lineOf(['tests', i]) })),
  };
}
