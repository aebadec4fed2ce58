/**
 * Tasks: work for a person (a cadence's call step, an SLA reminder, a renewal reminder, or
 * anything written by hand), and when each counts as due. "Today" is a calendar day in a
 * person's own time zone (their Rep row's `timeZone`), so a rep in Sydney and one in New York
 * each see their own today. Pure.
 */
import { addLocalDays, formatLocalDate, fromLocalDateTime, toLocalDate, type LocalDate } from './time-zone';

/** What a task is about. The journeys write call, linkedin, reminder, review and renewal ones. */
export const TASK_KINDS = [
  'call',
  'email',
  'meeting',
  'linkedin',
  'follow-up',
  'reminder',
  'review',
  'approval',
  'renewal',
  'other',
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * Which tasks a list shows by due time: `overdue` (due before now), `today` (due during today's
 * calendar day), `week` (due from the start of today to the end of the sixth day after it),
 * `all` (any time).
 */
export const DUE_WINDOWS = ['overdue', 'today', 'week', 'all'] as const;
export type DueWindow = (typeof DUE_WINDOWS)[number];

/** A half-open range of due times: `from` ≤ dueAt < `before` (either end open when absent). */
export interface DueRange {
  from?: Date;
  before?: Date;
}

/** The start of the calendar day `days` after the zone's today (0: today's midnight). */
export function startOfLocalDay(now: Date, timeZone: string, days = 0): Date {
  const day = addLocalDays(toLocalDate(now, timeZone), days);
  return midnight(day, timeZone);
}

function midnight(day: LocalDate, timeZone: string): Date {
  return fromLocalDateTime({ ...day, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
}

/** The due times a window covers at `now`, for a person in `timeZone`. */
export function dueRange(window: DueWindow, now: Date, timeZone: string): DueRange {
  switch (window) {
    case 'overdue':
      return { before: now };
    case 'today':
      return { from: startOfLocalDay(now, timeZone), before: startOfLocalDay(now, timeZone, 1) };
    case 'week':
      return { from: startOfLocalDay(now, timeZone), before: startOfLocalDay(now, timeZone, 7) };
    case 'all':
      return {};
  }
}

/** The zone's calendar date at `now`, `YYYY-MM-DD`. */
export function localToday(now: Date, timeZone: string): string {
  return formatLocalDate(toLocalDate(now, timeZone));
}

/** An open task is overdue once its due time has passed. */
export function isOverdue(task: { status: string; dueAt: Date }, now: Date): boolean {
  return task.status === 'open' && task.dueAt.getTime() < now.getTime();
}

/** How a snooze is refused, or null when the task may be put off until `until`. */
export function snoozeRefusal(task: { status: string }, until: Date, now: Date): string | null {
  if (task.status !== 'open') return `the task is ${task.status}; only an open task can be snoozed`;
  if (until.getTime() <= now.getTime()) return `must be in the future (it is now ${now.toISOString()})`;
  return null;
}
