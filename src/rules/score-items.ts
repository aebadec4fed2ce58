/**
 * A stored score as items a person reads as sentences ("+15 Pricing page visit, 3 days ago,
 * decayed from 20"): the breakdown lines of a scoring decision, with each behaviour line split
 * into the events behind it. Pure: the decision, its rules and the lead's events are passed in.
 */
import { humanise } from '../domain/words';
import { show } from './explain';
import type { Behaviour } from './facts';
import { READABLE_OP, type Op } from './operators';
import { decayed, type ScoreLine } from './evaluate-scoring';
import type { CompiledScoring, EngineCondition } from './ruleset';

/**
 * Why an item scored, as values a reader's language words (the workspace's hover text): the
 * attribute tier's one condition, the behaviour's arithmetic, the source's channel. Null when only
 * `detail` says it (a tier with several conditions, rules that can no longer be loaded).
 */
export type ScoreWhy =
  | { kind: 'condition'; fact: string; op: Op; value: string }
  | { kind: 'behaviour'; count: number; each: number; lost: number; cap: number | null }
  | { kind: 'source'; channel: string };

export interface ScoreItem {
  part: 'attribute' | 'source' | 'behaviour';
  /** A stable key a front end may translate: the attribute (`company-size`), `source:<channel>` or the behaviour. */
  signal: string;
  /** The item in English words: "Company size: 1,000+ employees", "Came from ads", "Pricing page visit". */
  label: string;
  /**
   * An attribute item whose tier label scoring.yaml writes per language: the English label and the
   * Chinese tier label ("员工 1000 人以上"); null otherwise (behaviours and sources are translated by `signal`).
   */
  labels: { en: string; 'zh-CN': string } | null;
  /** The rules' own wording of the line, with the condition that held. */
  detail: string;
  /** What `detail` says, as values (for wording it in the reader's language); null when only `detail` says it. */
  why: ScoreWhy | null;
  points: number;
  /** When the behaviour happened; null for attributes and the source. */
  at: string | null;
  /** The behaviour's full points when decay lowered them; else null. */
  decayedFrom: number | null;
  /** True when the behaviour's cap cut these points (the newest events fill the cap first). */
  capped: boolean;
}

export interface BehaviourOccurrence {
  type: string;
  at: Date;
}

/**
 * Items of a scoring decision taken at `scoredAt`. A behaviour line is split into one item per
 * event (newest first) when the events and the rules add up to the line exactly; the newest
 * events fill the cap first, so older ones show as capped. Otherwise (events pruned, rules no
 * longer loadable) the line stays one item without a time.
 */
export function scoreItems(
  lines: readonly ScoreLine[],
  scoring: CompiledScoring | null,
  events: readonly BehaviourOccurrence[],
  scoredAt: Date,
): ScoreItem[] {
  return lines.flatMap((line) => {
    switch (line.part) {
      case 'attribute': {
        const item = lineItem(line, line.name, `${humanise(line.name)}: ${line.detail.replace(/ \(.*\)$/, '')}`);
        const chinese = tierLabelIn(scoring, line, 'zh-CN');
        return [
          {
            ...item,
            labels: chinese === null ? null : { en: item.label, 'zh-CN': chinese },
            why: tierCondition(scoring, line),
          },
        ];
      }
      case 'source': {
        const channel = line.name.replace(/^source /, '');
        return [{ ...lineItem(line, `source:${channel}`, `Came from ${channel}`), why: { kind: 'source', channel } }];
      }
      case 'behaviour':
        return behaviourItems(line, scoring, events, scoredAt) ?? [lineItem(line, line.name, humanise(line.name))];
    }
  });
}

function lineItem(line: ScoreLine, signal: string, label: string): ScoreItem {
  return { part: line.part, signal, label, labels: null, detail: line.detail, why: null, points: line.points, at: null, decayedFrom: null, capped: false };
}

/**
 * The tier label of an attribute line in `language`, when the rules that scored it write one per
 * language; the line's detail is "<English tier label> (<condition>)", which names the tier.
 */
/** The tier that scored an attribute line, found by its English label (the line's detail starts with it). */
function tierOf(scoring: CompiledScoring | null, line: ScoreLine) {
  const attribute = scoring?.attributes.find((a) => a.name === line.name);
  const t = attribute?.tiers.findIndex((tier) => line.detail.startsWith(`${tier.event.params.label} (`)) ?? -1;
  return attribute && t >= 0 ? { attribute, t, tier: attribute.tiers[t]! } : null;
}

/** The one condition of the tier that scored `line` (`company.employees >= 1,000`), or null for a tier with several. */
function tierCondition(scoring: CompiledScoring | null, line: ScoreLine): ScoreWhy | null {
  const conditions: EngineCondition | undefined = tierOf(scoring, line)?.tier.conditions;
  if (!conditions || !('all' in conditions) || conditions.all.length !== 1) return null;
  const leaf = conditions.all[0]!;
  if (!('fact' in leaf)) return null;
  return {
    kind: 'condition',
    fact: `${leaf.fact}${leaf.path ? leaf.path.slice(1) : ''}`,
    op: READABLE_OP[leaf.operator],
    value: show(leaf.value),
  };
}

function tierLabelIn(scoring: CompiledScoring | null, line: ScoreLine, language: 'zh-CN'): string | null {
  const found = tierOf(scoring, line);
  const written = found?.attribute.tierLabels?.[found.t];
  return written && typeof written === 'object' ? written[language] : null;
}

function behaviourItems(
  line: ScoreLine,
  scoring: CompiledScoring | null,
  events: readonly BehaviourOccurrence[],
  scoredAt: Date,
): ScoreItem[] | null {
  const spec = scoring?.behaviours[line.name as Behaviour];
  if (!spec) return null;
  const nowMs = scoredAt.getTime();
  const mine = events
    .filter((event) => event.type === line.name && event.at.getTime() <= nowMs)
    .sort((a, b) => b.at.getTime() - a.at.getTime());
  const worth = mine.map((event) => decayed(spec.points, spec.decay, event.at.getTime(), nowMs).points);
  const total = worth.reduce((sum, points) => sum + points, 0);
  if (mine.length === 0 || (spec.cap === null ? total : Math.min(total, spec.cap)) !== line.points) return null;
  let left = line.points;
  const why: ScoreWhy = {
    kind: 'behaviour',
    count: mine.length,
    each: spec.points,
    lost: mine.length * spec.points - total,
    cap: spec.cap,
  };
  return mine.map((event, i) => {
    const value = worth[i]!;
    const points = spec.cap === null ? value : Math.max(0, Math.min(value, left));
    left -= points;
    return {
      part: 'behaviour',
      signal: line.name,
      label: humanise(line.name),
      labels: null,
      detail: line.detail,
      why,
      points,
      at: event.at.toISOString(),
      decayedFrom: value !== spec.points ? spec.points : null,
      capped: points < value,
    };
  });
}
