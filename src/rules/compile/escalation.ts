/** escalation.yaml → its compiled, serialisable form. */
import { mustParseDuration } from '../duration';
import type { CalendarChoice, CompiledEscalation, EscalationStep } from '../ruleset';
import type { EscalationFile, EscalationStepSpec } from '../schema/escalation';
import { compileTopCondition } from './condition';
import type { LineOf } from './line-of';

function compileStep(step: EscalationStepSpec): EscalationStep {
  const after = step.after === undefined ? null : mustParseDuration(step.after);
  switch (step.do) {
    case 'reassign': return { do: 'reassign', pool: step.pool ?? null, after };
    case 'move-to-queue': return { do: 'move-to-queue', queue: step.queue, after };
    case 'remind-owner':
    case 'notify-owner':
    case 'notify-manager':
      return { do: step.do, after };
  }
}

export function compileEscalation(file: EscalationFile, lineOf: LineOf): CompiledEscalation {
  const calendarChoice = (name: string): CalendarChoice => (name === 'owner' ? { type: 'owner', fallback: file.defaultCalendar } : { type: 'named', name });
  return {
    calendars: Object.fromEntries(
      Object.entries(file.calendars).map(([name, c]) => [name, { name, timezone: c.timezone, days: c.days, from: c.hours.from, to: c.hours.to, holidays: c.holidays ?? [], countries: c.countries ?? [] }]),
    ),
    defaultCalendar: file.defaultCalendar,
    slas: file.slas.map((sla, i) => ({
      name: sla.name,
      starts: sla.starts,
      stops: sla.stops,
      within: mustParseDuration(sla.within),
      calendar: calendarChoice(sla.calendar),
      overrides: (sla.overrides ?? []).map((o, j) => ({
        name: `${sla.name}/${o.name}`,
        conditions: compileTopCondition(o.when),
        event: { type: 'sla-override', params: { within: mustParseDuration(o.within), override: o.name } },
        line: lineOf(['slas', i, 'overrides', j]),
      })),
      onBreach: sla.onBreach.map(compileStep),
    })),
    stalled: (file.stalled ?? []).map((alert, i) => ({
      rule: { name: alert.name, conditions: compileTopCondition(alert.when ?? 'always'), event: { type: 'stalled', params: { alert: alert.name } }, line: lineOf(['stalled', i]) },
      stage: alert.stage,
      after: mustParseDuration(alert.after),
      calendar: calendarChoice(alert.calendar),
      then: alert.then.map(compileStep),
    })),
    tests: (file.tests ?? []).map((test, i) => ({ ...test, line: lineOf(['tests', i]) })),
  };
}
