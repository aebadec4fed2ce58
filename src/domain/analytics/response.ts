/**
 * Lead response time and first-touch SLA attainment. Response time is measured from the moment a
 * lead became an MQL to its first logged touch after that (a call, an email, a meeting booked), in
 * business hours of the owner's calendar, as the SLA itself is measured (docs/business-time.md).
 */
import { businessTimeBetween, type WorkingCalendar } from '../business-time';
import type { LeadFact } from './facts';
import { distributionOf, hours, ratio, tally, type Distribution, type Ratio, type Tally } from './measures';
import { within, type Interval } from './period';
import { reachedAt } from './stages';

/**
 * What response time and SLA attainment read of one lead: four instants and the owner's zone. The
 * speed report reads these straight from SQL (src/usecases/analytics/speed-rows.ts); on loaded
 * facts they come from leadResponse.
 */
export interface LeadResponse {
  id: string;
  /** When the lead first reached MQL (or a later stage), if it did. */
  mqlAt: Date | null;
  /** The first touch at or after `mqlAt` (at or after the lead's creation when it never became an MQL). */
  firstTouch: Date | null;
  /** The first-touch SLA deadline the journey recorded (null unless the lead was qualified). */
  slaDueAt: Date | null;
  /** The owner's IANA time zone, for response time in the owner's business hours. */
  ownerTimeZone: string | null;
}

/** The calendar a lead's response is measured in. */
export type CalendarFor = (lead: Pick<LeadFact, 'ownerTimeZone'>) => WorkingCalendar;

/** `base` (escalation.yaml's default calendar) in the owner's time zone when known, as the SLA uses it. */
export function ownerCalendar(base: WorkingCalendar): CalendarFor {
  // One calendar per zone, not one per lead: the same object is prepared once (businessTimeBetween).
  // Each copy is made from `base` as it is when the zone is first met: make one CalendarFor per report.
  const inZone = new Map<string, WorkingCalendar>();
  return ({ ownerTimeZone: zone }) => {
    if (!zone) return base;
    let calendar = inZone.get(zone);
    if (calendar === undefined) inZone.set(zone, (calendar = { ...base, timezone: zone }));
    return calendar;
  };
}

/** What leadResponse reads of a lead's facts. */
export type ResponseLead = Pick<LeadFact, 'id' | 'createdAt' | 'stages' | 'touches' | 'slaDueAt' | 'ownerTimeZone'>;

/** What response time and SLA attainment read of a lead's facts. */
export function leadResponse(lead: ResponseLead): LeadResponse {
  const mqlAt = reachedAt(lead, 'mql');
  const from = (mqlAt ?? lead.createdAt).getTime();
  return {
    id: lead.id,
    mqlAt,
    firstTouch: lead.touches.find((touch) => touch.getTime() >= from) ?? null,
    slaDueAt: lead.slaDueAt,
    ownerTimeZone: lead.ownerTimeZone,
  };
}

export interface ResponseTimeReport {
  /** Business hours from MQL to first touch, for the first touches made in the period (lead ids). */
  businessHours: Distribution;
  /** The period's MQLs still without a touch when it ended. */
  untouched: Tally;
}

/**
 * Response time of the first touches made in the period, each measured from the MQL before it.
 * Counting responses where they happened (not where the MQL did) keeps a closed period's figure
 * fixed: a late first touch next month is next month's response.
 */
export function responseTime(
  leads: readonly ResponseLead[],
  period: Interval,
  calendarFor: CalendarFor,
): ResponseTimeReport {
  return responseTimeOf(leads.map(leadResponse), period, calendarFor);
}

/** responseTime, on what it reads of each lead; with `cap`, the first `cap` ids of each figure only. */
export function responseTimeOf(
  leads: readonly LeadResponse[],
  period: Interval,
  calendarFor: CalendarFor,
  cap?: number,
): ResponseTimeReport {
  const counted: ResponsesCounted = { ids: [], businessMs: [], untouched: [] };
  for (const lead of leads) {
    const { mqlAt, firstTouch: touch } = lead;
    if (!mqlAt) continue;
    const answeredBy = touch !== null && touch.getTime() < period.to.getTime();
    if (within(touch, period)) {
      counted.ids.push(lead.id);
      counted.businessMs.push(businessTimeBetween(mqlAt, touch, calendarFor(lead)));
    } else if (within(mqlAt, period) && !answeredBy) counted.untouched.push(lead.id);
  }
  return responseTimeOfCounted(counted, cap);
}

/**
 * The responses of a period as responseTimeOf counts them: each first touch made in the period
 * (its lead's id, and the business milliseconds from the MQL before it, in the same order), and the
 * period's MQLs still without a touch when it ended. The speed report counts them in SQL
 * (src/usecases/analytics/speed-rows.ts).
 */
export interface ResponsesCounted {
  ids: string[];
  businessMs: number[];
  untouched: string[];
}

/** The response-time figures of counted responses; with `cap`, the first `cap` ids of each figure only. */
export function responseTimeOfCounted(counted: ResponsesCounted, cap?: number): ResponseTimeReport {
  return {
    businessHours: distributionOf(Float64Array.from(counted.businessMs, hours), counted.ids, cap),
    untouched: tally(counted.untouched, cap),
  };
}

export interface SlaReport {
  /** met ÷ (met + breached). */
  attainment: Ratio;
  met: Tally;
  breached: Tally;
  /** Deadline still ahead at `asOf` and no touch yet: not decided. */
  pending: Tally;
}

/**
 * First-touch SLAs whose deadline falls in the period: met when the first touch after the lead
 * became an MQL came at or before the deadline, breached when it came later or not by the deadline.
 */
export function slaAttainment(leads: readonly LeadFact[], period: Interval, asOf: Date): SlaReport {
  return slaAttainmentOf(leads.map(leadResponse), period, asOf);
}

/** slaAttainment, on what it reads of each lead; with `cap`, each tally lists its first `cap` ids only. */
export function slaAttainmentOf(leads: readonly LeadResponse[], period: Interval, asOf: Date, cap?: number): SlaReport {
  const counted: SlasCounted = { met: [], breached: [], pending: [] };
  for (const lead of leads) {
    const due = lead.slaDueAt;
    if (!within(due, period)) continue;
    const touch = lead.firstTouch;
    if (touch && touch.getTime() <= due.getTime()) counted.met.push(lead.id);
    else if (due.getTime() <= asOf.getTime()) counted.breached.push(lead.id);
    else counted.pending.push(lead.id);
  }
  return slaAttainmentOfCounted(counted, cap);
}

/** The SLAs due in a period as slaAttainmentOf sorts them, by lead id: the speed report sorts them in SQL. */
export interface SlasCounted {
  met: string[];
  breached: string[];
  pending: string[];
}

/** The SLA figures of sorted SLAs; with `cap`, each tally lists its first `cap` ids only. */
export function slaAttainmentOfCounted({ met, breached, pending }: SlasCounted, cap?: number): SlaReport {
  return {
    attainment: ratio(met, [...met, ...breached], cap),
    met: tally(met, cap),
    breached: tally(breached, cap),
    pending: tally(pending, cap),
  };
}

/**
 * Counted responses and SLAs of several groups (owners, segments) as one, each list in the groups'
 * order; a single group is returned as it is.
 */
export function countedTogether(parts: readonly CountedResponses[]): CountedResponses {
  if (parts.length === 1) return parts[0]!;
  const all = noneCounted();
  for (const part of parts)
    for (const key of Object.keys(all) as (keyof typeof all)[]) {
      // One at a time: spread as arguments, a list of about 125 000 overflows the stack.
      const into = all[key] as unknown[];
      for (const item of part[key]) into.push(item);
    }
  return all;
}

/** A period's responses (responseTimeOfCounted) and SLAs (slaAttainmentOfCounted), counted together. */
export type CountedResponses = ResponsesCounted & SlasCounted;

/** No responses and no SLAs counted, to count into. */
export const noneCounted = (): CountedResponses => ({
  ids: [],
  businessMs: [],
  untouched: [],
  met: [],
  breached: [],
  pending: [],
});
