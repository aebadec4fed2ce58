/** cadences.yaml → its compiled, serialisable form. */
import { mustParseDuration } from '../duration';
import type { CadenceStep, CompiledCadence, CompiledCadences, SendWindow } from '../ruleset';
import type { CadencesFile, CadenceStepSpec } from '../schema/cadences';
import { compileTopCondition } from './condition';
import type { LineOf } from './line-of';

function compileStep(step: CadenceStepSpec): CadenceStep {
  const after = step.after === undefined ? null : mustParseDuration(step.after);
  switch (step.do) {
    case 'email': return { do: 'email', after, template: step.template };
    case 'call': return { do: 'call', after, task: step.task };
    case 'linkedin': return { do: 'linkedin', after, task: step.task };
  }
}

function windowHours(window: CadencesFile['sendWindow']): SendWindow {
  return { days: window.days, from: window.from, to: window.to };
}

export function compileCadences(file: CadencesFile, lineOf: LineOf): CompiledCadences {
  return {
    templates: Object.fromEntries(Object.entries(file.templates).map(([name, t]) => [name, { subject: t.subject, body: t.body }])),
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
