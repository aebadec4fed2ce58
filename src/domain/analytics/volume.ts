/**
 * Volume: how many leads came in, and how many became MQLs, SQLs, opportunities and wins, in a
 * period (each counted when it happened, by the lead's first arrival at that stage). By source or
 * campaign through a breakdown; as a trend, per day, week or month.
 */
import type { LeadFact } from './facts';
import { append, tally, type Tally } from './measures';
import { bucketOf, bucketsOf, within, type Grain, type Interval, type ReportPeriod } from './period';
import { FUNNEL_STAGES, reachedAt, type FunnelStage } from './stages';

/** Lead ids per funnel stage reached in the period (`lead`: created in it). */
export type VolumeFigures = Record<FunnelStage, Tally>;

export function volume(leads: readonly LeadFact[], period: Interval): VolumeFigures {
  const figures = {} as VolumeFigures;
  for (const stage of FUNNEL_STAGES)
    figures[stage] = tally(leads.filter((lead) => within(reachedAt(lead, stage), period)).map((lead) => lead.id));
  return figures;
}

export interface VolumeBucket {
  /** `2026-03-02` (day or week's Monday) or `2026-03` (month), in the period's zone. */
  bucket: string;
  figures: VolumeFigures;
}

/** Volume per day, week or month of the period (a bucket only counts what falls in the period). */
export function volumeTrend(leads: readonly LeadFact[], period: ReportPeriod, grain: Grain): VolumeBucket[] {
  const arrivals = new Map<string, string[]>();
  for (const stage of FUNNEL_STAGES)
    for (const lead of leads) {
      const at = reachedAt(lead, stage);
      if (within(at, period)) append(arrivals, `${bucketOf(at, period.zone, grain)} ${stage}`, lead.id);
    }
  return bucketsOf(period, grain).map((bucket) => {
    const figures = {} as VolumeFigures;
    for (const stage of FUNNEL_STAGES) figures[stage] = tally(arrivals.get(`${bucket} ${stage}`) ?? []);
    return { bucket, figures };
  });
}
