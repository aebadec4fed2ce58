/**
 * The leads behind the channels report, read in SQL as a narrow projection instead of loaded
 * facts: the leads created, or first reaching MQL, between the start of the previous period and
 * the end of the period (or `asOf`, if earlier), each with its creation, source, campaign and
 * first MQL transition (ChannelLead). channelFigures then computes the report, as it does on the
 * facts (channelLead reads the same from a LeadFact); the differential test
 * (test/analytics/loader-differential.int.test.ts) checks that both give the same report.
 *
 * The definitions stay those of src/domain/analytics: a lead reaches MQL at its first stage event
 * whose stage stands for MQL or a later one (stagesReaching, as reachedAt reads it: LeadFunnel's
 * mqlAt, kept by the database), and a person sees the leads they (or their reports) owned when the
 * period ended (ownerAt, as the fact loader's owner at the cut).
 */
import type { Db } from '../../db/client';
import { codePointOrder, countedGroups, empty, instantOf, sql, type Sql } from '../../db/raw-sql';
import type { ChannelLead, ChannelLeadCounts } from '../../domain/analytics/channel';
import type { Dimension } from '../../domain/analytics/facts';
import { compareText, mergeTallies, sortedIds } from '../../domain/analytics/measures';
import { bySegmentField, funnelLeadSegment, reviewWindow, textField, type SegmentRow } from './closed-deals';
import type { DealQuery } from './deal-courses';
import { joinOwned, ownedTable, ownerOnRow } from './lead-owners';
import { byPerson } from './breakdown-groups';
import { segmentKeyOf } from './lead-arrivals';
import { sightFilter } from './load-facts';
import { loadRoster } from './roster';

/** Per channel (source and campaign), the leads counted in the previous period (0) and the period (1). */
type ChannelPeriods = [Map<string, ChannelLeadCounts>, Map<string, ChannelLeadCounts>];

/** The counts of the previous period and the period, whole and (broken down) per group key. */
export interface ChannelCountGroups {
  whole: readonly [ChannelLeadCounts[], ChannelLeadCounts[]];
  groups: Map<string, readonly [ChannelLeadCounts[], ChannelLeadCounts[]]>;
}

interface ChannelLeadRow extends Partial<SegmentRow> {
  id: string;
  created: unknown;
  source: string | null;
  campaign: string | null;
  rep: string | null;
  mql_at: unknown;
}

/**
 * The leads (in the caller's sight, in id order) created or first made MQLs in the period or the
 * one before. Broken down by `dimension`, each lead's key goes into `keys`: its owner at the
 * period's end (read for every lead by rep or team) or its segment field, as the facts key a lead.
 */
export async function channelLeads(
  db: Db,
  query: DealQuery,
  dimension?: Dimension,
  keys?: Map<string, string>,
): Promise<ChannelLead[]> {
  const { sight, asOf } = query;
  const { from, to } = reviewWindow(query);
  // A lead counts when it was created in the window or first reached MQL (or later) in it: two
  // disjoint index ranges of LeadFunnel, whose mqlAt is the first such stage event (one before asOf
  // is the first before it too), and which holds the source and campaign (as channelCounts reads
  // them). For a person, only those their team owned at the period's end (teamAt), with that owner;
  // none is looked up in Lead. At 1M leads a manager's 33 000 leads of the window spent 0.3 s on
  // being looked up in Lead for their source.
  const created = sql`f."createdAt" >= ${from} AND f."createdAt" < ${to}`;
  // Each range joined with the team's leads as read (joinOwned).
  const rep = !sight.all ? sql`t.rep` : byPerson(dimension) ? ownerOnRow(to, asOf, 'f') : sql`CAST(NULL AS TEXT)`;
  const segmented = bySegmentField(dimension);
  const segment = funnelLeadSegment(db, dimension);
  const leads = sql`${rep} AS rep ${segment.columns} FROM "LeadFunnel" f ${joinOwned(sight, sql`f."leadId"`)} ${segment.join}`;
  const [rows, roster] = await Promise.all([
    db.$queryRaw<ChannelLeadRow[]>(sql`
    WITH ${ownedTable(db, sight, to, asOf)}
    moved AS MATERIALIZED (
      SELECT f."leadId" AS id, f."createdAt" AS created, f.source, f.campaign, f."mqlAt" AS mql_at, ${leads}
      WHERE f.tenant = ${sight.tenant} AND ${created}
      UNION ALL SELECT f."leadId", f."createdAt", f.source, f.campaign, f."mqlAt", ${leads}
      WHERE f.tenant = ${sight.tenant} AND f."mqlAt" >= ${from} AND f."mqlAt" < ${to} AND f."createdAt" < ${asOf}
        AND NOT (${created}))
    SELECT m.id, m.created, m.source, m.campaign, m.rep, CASE WHEN m.mql_at < ${asOf} THEN m.mql_at END AS mql_at
      ${segmented ? sql`, m.seg_type, m.seg_text` : empty}
    FROM moved m`),
    dimension === 'team' ? loadRoster(db, sight.tenant) : null,
  ]);
  const inSight = sightFilter(sight);
  const kept = rows.filter((row) => inSight(row.rep));
  if (dimension && keys)
    for (const row of kept)
      keys.set(
        row.id,
        segmentKeyOf({ rep: row.rep, segType: row.seg_type ?? null, segText: row.seg_text ?? null }, dimension, roster),
      );
  return kept
    .sort((a, b) => compareText(a.id, b.id))
    .map((row) => ({
      id: row.id,
      createdAt: instantOf(row.created)!,
      segment: { source: row.source ?? '', campaign: textField(row.campaign === null ? null : 'string', row.campaign) },
      mqlAt: instantOf(row.mql_at),
    }));
}

/** A group of channelCounts' statements: its period, kind (`lead` or `mql`), channel and owner or segment, its count and first ids. */
interface ChannelGroupRow {
  p: unknown;
  kind: string;
  source: string | null;
  campaign: string | null;
  rep: string | null;
  seg_type: string | null;
  seg_text: string | null;
  n: unknown;
  ids: string | null;
}

/**
 * For the whole tenant (a caller who sees every lead), the same leads counted in SQL instead of read
 * one by one: per period (the previous one, then the period), per source and campaign as LeadFunnel
 * holds them, the leads created and those first made MQLs, with the first `idLimit` ids of each in
 * code-point order. channelFiguresOf computes the report on them as channelFigures does on the
 * leads (it merges the groups of a channel, keeping the first ids of the merged tally), so the
 * figures, and the ids the API keeps, are the same; the differential test checks this.
 *
 * Broken down by `dimension`, the same counts per group too: each arrival grouped also by its
 * lead's owner at the period's end (read from its LeadFunnel row, ownerOnRow) or its segment field,
 * and each SQL group's tallies merged into its breakdown key's (segmentKeyOf: by rep the email
 * lowercased, by team the owner's team) and into the whole's, keeping the first `idLimit` ids. At
 * 1M leads this replaced reading the window's 172 000 leads one by one (1.6 s by rep).
 *
 * The groups are told apart in code-point order (`COLLATE "C"` on PostgreSQL), which only has to
 * tell equal values from others: sorting 270 000 rows for them under the database's collation (a
 * `C.UTF-8` locale's comparison per key) took 420 of the statement's 700 ms at 1 000 000 leads.
 */
export async function channelCounts(
  db: Db,
  query: DealQuery,
  idLimit: number,
  dimension?: Dimension,
): Promise<ChannelCountGroups> {
  const { sight, period, asOf } = query;
  const { from, to } = reviewWindow(query);
  // Broken down, each arrival also with its owner at the period's end (from its own row) or its
  // segment field, grouped by them as read; their keys are made and merged in JS (segmentKeyOf).
  const rep = byPerson(dimension) ? ownerOnRow(to, asOf, 'f') : sql`CAST(NULL AS TEXT)`;
  const segment = bySegmentField(dimension)
    ? funnelLeadSegment(db, dimension)
    : { columns: sql`, CAST(NULL AS TEXT) AS seg_type, CAST(NULL AS TEXT) AS seg_text`, join: empty };
  const columns = (
    p: Sql,
  ) => sql`${codePointOrder(db, sql`f.source`)} AS source, ${codePointOrder(db, sql`f.campaign`)} AS campaign,
        ${p} AS p, ${rep} AS rep ${segment.columns}`;
  // The leads created in the window and those made MQLs in it, counted by two statements side by
  // side: their groups differ by kind. On PostgreSQL at 1M leads, one statement of both took
  // 480–500 ms, of which 150 ms grouping in one process; the two, run together, 320–330 ms.
  const counted = (arrivals: Sql) =>
    db.$queryRaw<ChannelGroupRow[]>(sql`WITH arrival AS (${arrivals})
    ${countedGroups(db, sql`arrival a`, 'a', sql`p, kind, source, campaign, rep, seg_type, seg_text`, idLimit)}`);
  const [created, mqls, roster] = await Promise.all([
    counted(sql`SELECT f."leadId" AS id, 'lead' AS kind, ${columns(sql`CASE WHEN f."createdAt" < ${period.from} THEN 0 ELSE 1 END`)}
      FROM "LeadFunnel" f ${segment.join} WHERE f.tenant = ${sight.tenant} AND f."createdAt" >= ${from} AND f."createdAt" < ${to}`),
    counted(sql`SELECT f."leadId" AS id, 'mql' AS kind, ${columns(sql`CASE WHEN f."mqlAt" < ${period.from} THEN 0 ELSE 1 END`)}
      FROM "LeadFunnel" f ${segment.join}
      WHERE f.tenant = ${sight.tenant} AND f."mqlAt" >= ${from} AND f."mqlAt" < ${to} AND f."createdAt" < ${asOf}`),
    dimension === 'team' ? loadRoster(db, sight.tenant) : null,
  ]);
  const rows = [...created, ...mqls];
  const periodsOf = (): ChannelPeriods => [new Map<string, ChannelLeadCounts>(), new Map<string, ChannelLeadCounts>()];
  const whole = periodsOf();
  const groups = new Map<string, ChannelPeriods>();
  for (const row of rows) {
    const counted = { count: Number(row.n), ids: sortedIds(row.ids ? row.ids.split(',') : []) };
    const into = (periods: ChannelPeriods) => {
      const channels = periods[Number(row.p) === 0 ? 0 : 1];
      const channel = `${row.source ?? ''}\u0000${row.campaign ?? ''}\u0000${row.campaign === null}`;
      let group = channels.get(channel);
      if (!group) {
        const campaign = textField(row.campaign === null ? null : 'string', row.campaign);
        group = { source: row.source ?? '', campaign, leads: { count: 0, ids: [] }, mqls: { count: 0, ids: [] } };
        channels.set(channel, group);
      }
      const kind = row.kind === 'lead' ? 'leads' : 'mqls';
      group[kind] = group[kind].count === 0 ? counted : mergeTallies([group[kind], counted], idLimit);
    };
    into(whole);
    if (!dimension) continue;
    const key = segmentKeyOf({ rep: row.rep, segType: row.seg_type, segText: row.seg_text }, dimension, roster);
    let periods = groups.get(key);
    if (!periods) groups.set(key, (periods = periodsOf()));
    into(periods);
  }
  const listed = ([before, now]: ChannelPeriods): [ChannelLeadCounts[], ChannelLeadCounts[]] => [
    [...before.values()],
    [...now.values()],
  ];
  return {
    whole: listed(whole),
    groups: new Map([...groups].map(([key, periods]) => [key, listed(periods)])),
  };
}
