/**
 * Importing past leads and closed deals from another CRM's CSV export, so a team has its baseline
 * figures from day one. Columns map to fields by header (defaults in src/domain/history-row.ts, or
 * a mapping); every row is checked first and every problem reported by line and column; a file
 * with any bad row imports nothing, a good one is stored in one transaction. Each row is keyed by
 * its external id, else its email and creation moment, and remembered, so importing the same file
 * again adds nothing. The stage history is written with the export's dates; no journey starts.
 */
import { createHash } from 'node:crypto';
import { recordAudit } from '../db/audit-trail';
import type { Db, Prisma } from '../db/client';
import {
  checkHistoryRow,
  DEFAULT_HEADERS,
  HISTORY_FIELDS,
  type HistoryField,
  type HistoryRecord,
  type HistoryRowContext,
} from '../domain/history-row';
import { invalidImport, mapColumns as mapCsvColumns, readCsv, type ImportProblem } from './csv-import';
import { countryCodeOfName } from './country-names';
import { leadIdentity } from './lead-identity';
import type { CompiledLossReasons } from '../rules/ruleset';

/** Rows one file may hold. */
export const MAX_HISTORY_ROWS = 50_000;
/** Problems listed in one answer; the message says how many there were in all. */
const MAX_REPORTED = 500;
const CHUNK = 500;

export interface HistoryImportOptions {
  /** The header of the column holding each field; default: DEFAULT_HEADERS. */
  columns: Partial<Record<HistoryField, string>>;
  delimiter: ',' | ';' | '\t';
  /** Check and count, store nothing. */
  dryRun: boolean;
  /** Who owns an imported deal whose row names no owner (the API: the caller); null: such a row is a problem. */
  defaultOwner: string | null;
}

/** Who imports: the tenant written to, and the email the audit trail names. */
export interface Importer {
  tenant: string;
  email: string;
}

export interface HistoryImportResult {
  dryRun: boolean;
  rows: number;
  /** Leads (and deals) created by this import. */
  leads: number;
  deals: number;
  /** Rows imported before (the same key): left as they are. */
  unchanged: number;
  fileSha256: string;
}

interface Planned {
  row: number;
  line: number;
  record: HistoryRecord;
  leadId: string;
  journeyId: string;
  importKey: string;
}

/** Checks `csv` and, unless it is a dry run, stores it; 422 with every problem otherwise. */
export async function importHistory(
  db: Db,
  actor: Importer,
  csv: string,
  options: HistoryImportOptions,
  context: Omit<HistoryRowContext, 'now'> & { now: Date },
): Promise<HistoryImportResult> {
  const [header, ...rows] = readCsv(csv, options.delimiter);
  if (!header)
    throw invalidImport('The file is empty: the first line must name the columns.', [
      { path: 'body', message: 'has no header line', line: 1, column: null },
    ]);
  if (rows.length === 0)
    throw invalidImport('The file has a header line but no rows: there is nothing to import.', [
      { path: 'body', message: 'has no rows after the header line', line: 2, column: null },
    ]);
  if (rows.length > MAX_HISTORY_ROWS)
    throw invalidImport(`The file has ${rows.length} rows; import at most ${MAX_HISTORY_ROWS} at a time.`, [
      { path: 'body', message: `split it into files of at most ${MAX_HISTORY_ROWS} rows`, line: 1, column: null },
    ]);
  const columns = mapColumns(header.record, options.columns);
  const problems: ImportProblem[] = [];
  const planned: Planned[] = [];
  const seen = new Map<string, number>();
  rows.forEach(({ record: cells, info }, index) => {
    const row = index + 1;
    const line = info.lines;
    if (cells.length !== header.record.length) {
      problems.push({
        path: `rows[${row}]`,
        message: `line ${line} has ${cells.length} values, the header has ${header.record.length} columns`,
        line,
        column: null,
      });
      return;
    }
    const values: Partial<Record<HistoryField, string>> = {};
    for (const [field, at] of Object.entries(columns) as [HistoryField, number][]) values[field] = cells[at] ?? '';
    // Exports name countries ("Germany", "德国"); the lead keeps the ISO code.
    const checked = checkHistoryRow(values, { countryNamed: countryCodeOfName, ...context });
    if (!('problems' in checked) && checked.record.deal && !checked.record.owner && !options.defaultOwner)
      Object.assign(checked, {
        problems: [
          { field: 'owner', message: 'is empty: a deal needs its owner; add an owner column, or name a default owner' },
        ],
      });
    if ('problems' in checked) {
      for (const p of checked.problems) {
        const at = columns[p.field];
        const column = at === undefined ? null : (header.record[at] ?? null);
        problems.push({
          path: `rows[${row}].${p.field}`,
          message: `line ${line}${column ? `, column "${column}"` : ''}: ${p.message}`,
          line,
          column,
        });
      }
      return;
    }
    const { record } = checked;
    const identity = leadIdentity(actor.tenant, {
      ...(record.email ? { email: record.email } : {}),
      ...(record.externalId ? { externalId: record.externalId } : {}),
    });
    for (const key of [record.key, identity.leadId]) {
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        problems.push({
          path: `rows[${row}]`,
          message: `line ${line} is the same ${key === record.key ? 'record' : 'person'} as line ${earlier}: give each lead once`,
          line,
          column: null,
        });
        return;
      }
    }
    seen.set(record.key, line).set(identity.leadId, line);
    planned.push({
      row,
      line,
      record,
      leadId: identity.leadId,
      journeyId: identity.journeyId,
      importKey: importKeyOf(actor.tenant, record.key),
    });
  });
  if (problems.length === 0) problems.push(...(await clashes(db, actor.tenant, planned, columns, header.record)));
  if (problems.length > 0)
    throw invalidImport(
      `${new Set(problems.map((p) => p.line)).size} of ${rows.length} rows are invalid (${problems.length} problems${problems.length > MAX_REPORTED ? `, the first ${MAX_REPORTED} listed` : ''}); nothing was imported.`,
      problems.slice(0, MAX_REPORTED),
    );

  const fileSha256 = createHash('sha256').update(csv, 'utf8').digest('hex');
  const imported = await alreadyImported(db, planned);
  const fresh = planned.filter((p) => !imported.has(p.importKey));
  const result: HistoryImportResult = {
    dryRun: options.dryRun,
    rows: rows.length,
    leads: fresh.length,
    deals: fresh.filter((p) => p.record.deal !== null).length,
    unchanged: planned.length - fresh.length,
    fileSha256,
  };
  if (options.dryRun || fresh.length === 0) return result;
  await db.$transaction(
    async (tx) => {
      await writeHistory(tx as Db, actor, fresh, { fileSha256, now: context.now, defaultOwner: options.defaultOwner });
      await recordAudit(tx, {
        tenant: actor.tenant,
        subjectType: 'lead',
        subjectId: `history:${fileSha256.slice(0, 16)}`,
        action: 'history.imported',
        actor: actor.email,
        details: {
          fileSha256,
          rows: rows.length,
          leads: result.leads,
          deals: result.deals,
          unchanged: result.unchanged,
        },
        occurredAt: context.now,
      });
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
  return result;
}

/** The id of the row that remembers an imported record, derived from the tenant and the record's key. */
function importKeyOf(tenant: string, key: string): string {
  return `imp_${createHash('sha256').update(`${tenant}\u0000${key}`).digest('base64url').slice(0, 22)}`;
}

/** Which column index holds each field; 422 naming a mapped header the file lacks, a doubled header, or a missing required column. */
function mapColumns(
  header: readonly string[],
  wanted: Partial<Record<HistoryField, string>>,
): Partial<Record<HistoryField, number>> {
  const { columns, problems } = mapCsvColumns(header, HISTORY_FIELDS, DEFAULT_HEADERS, wanted);
  for (const field of ['created', 'source'] as const)
    if (columns[field] === undefined && wanted[field] === undefined)
      problems.push({
        path: `columns.${field}`,
        message: `the file has no "${field}" column (looked for: ${DEFAULT_HEADERS[field].join(', ')}): name the column that holds it (its columns: ${header.join(', ')})`,
        line: 1,
        column: null,
      });
  if (
    columns.email === undefined &&
    columns.externalId === undefined &&
    wanted.email === undefined &&
    wanted.externalId === undefined
  )
    problems.push({
      path: 'columns.email',
      message: `the file has neither an email nor an external id column: name one (its columns: ${header.join(', ')})`,
      line: 1,
      column: null,
    });
  if (problems.length > 0)
    throw invalidImport('The columns of the file do not map to the history fields; nothing was imported.', problems);
  return columns;
}

/** The records imported before: their marker rows exist. */
async function alreadyImported(db: Db, planned: Planned[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < planned.length; start += CHUNK) {
    const keys = planned.slice(start, start + CHUNK).map((p) => p.importKey);
    for (const row of await db.interaction.findMany({
      where: { idempotencyKey: { in: keys } },
      select: { idempotencyKey: true },
    }))
      found.add(row.idempotencyKey);
  }
  return found;
}

/** Rows whose lead leadflow already has, not from a history import: a problem each (an import never overwrites a live lead). */
async function clashes(
  db: Db,
  tenant: string,
  planned: Planned[],
  columns: Partial<Record<HistoryField, number>>,
  header: readonly string[],
): Promise<ImportProblem[]> {
  const imported = await alreadyImported(db, planned);
  const candidates = planned.filter((p) => !imported.has(p.importKey));
  const problems: ImportProblem[] = [];
  for (let start = 0; start < candidates.length; start += CHUNK) {
    const batch = candidates.slice(start, start + CHUNK);
    const existing = await db.lead.findMany({
      where: {
        tenant,
        OR: [
          { id: { in: batch.map((p) => p.leadId) } },
          { externalId: { in: batch.flatMap((p) => (p.record.externalId ? [p.record.externalId] : [])) } },
        ],
      },
      select: { id: true, externalId: true },
    });
    for (const p of batch) {
      const lead = existing.find(
        (l) => l.id === p.leadId || (p.record.externalId !== null && l.externalId === p.record.externalId),
      );
      if (!lead) continue;
      const field: HistoryField = p.record.email && lead.id === p.leadId ? 'email' : 'externalId';
      const at = columns[field];
      const column = at === undefined ? null : (header[at] ?? null);
      problems.push({
        path: `rows[${p.row}].${field}`,
        message: `line ${p.line}${column ? `, column "${column}"` : ''}: leadflow already has this lead (${lead.id}), not from a history import; leave the row out`,
        line: p.line,
        column,
      });
    }
  }
  return problems;
}

/** Writes the leads, their stage history, their closed deals and the import markers. */
async function writeHistory(
  db: Db,
  actor: Importer,
  planned: Planned[],
  { fileSha256, now, defaultOwner }: { fileSha256: string; now: Date; defaultOwner: string | null },
): Promise<void> {
  const accounts = await accountIds(db, actor.tenant, planned);
  const leads: Prisma.LeadCreateManyInput[] = [];
  const stages: Prisma.StageEventCreateManyInput[] = [];
  const markers: Prisma.InteractionCreateManyInput[] = [];
  const deals: Prisma.DealCreateManyInput[] = [];
  const reason = `imported from CRM history (file ${fileSha256.slice(0, 12)})`;
  for (const { record, leadId, journeyId, importKey, line } of planned) {
    let stage: string | null = null;
    const first = stages.length;
    const move = (to: string, at: Date, why = reason) => {
      const key = `${importKey}:${stages.length - first}:${to}`;
      stages.push({ id: key, leadId, fromStage: stage, toStage: to, reason: why, occurredAt: at, idempotencyKey: key });
      stage = to;
    };
    move('new', record.createdAt);
    if (record.mqlAt) move('mql', record.mqlAt);
    if (record.sqlAt) move('sql', record.sqlAt);
    const { deal } = record;
    if (deal) {
      const dealId = `dl_${createHash('sha256').update(`${leadId}:deal`).digest('base64url').slice(0, 22)}`;
      move('needs-analysis', deal.openedAt, `${reason}: deal ${dealId}`);
      move(deal.outcome === 'won' ? 'closed-won' : 'closed-lost', deal.closedAt);
      move(
        deal.outcome === 'won' ? 'customer' : 'lost',
        deal.closedAt,
        `deal ${dealId} closed ${deal.outcome}: ${deal.closeReason}`,
      );
      deals.push({
        id: dealId,
        tenant: actor.tenant,
        leadId,
        accountId: accounts.get(accountName(record))!,
        name: deal.name,
        ownerEmail: record.owner ?? defaultOwner ?? actor.email,
        stage: deal.outcome === 'won' ? 'closed-won' : 'closed-lost',
        currency: deal.currency,
        amountMinor: deal.amountMinor === null ? null : BigInt(deal.amountMinor),
        acvMinor: deal.amountMinor === null ? null : BigInt(deal.amountMinor),
        workflowId: `deal-${dealId}`,
        needs: {},
        closeReason: deal.closeReason,
        closedAt: deal.closedAt,
        lossReason: deal.lossReason,
        lossCompetitor: deal.competitor,
        createdAt: deal.openedAt,
      });
    }
    leads.push({
      id: leadId,
      tenant: actor.tenant,
      email: record.email,
      externalId: record.externalId,
      firstName: record.firstName,
      lastName: record.lastName,
      company: record.company,
      title: record.title,
      source: record.source,
      sourceDetails: record.campaign ? { campaign: record.campaign } : {},
      country: record.country,
      attributes: record.attributes,
      stage: stage ?? 'new',
      ownerId: record.owner,
      journeyId,
      mqlAt: record.mqlAt,
      sqlAt: record.sqlAt,
      createdAt: record.createdAt,
    });
    markers.push({
      id: importKey,
      leadId,
      kind: 'history-imported',
      source: record.source,
      occurredAt: now,
      payload: { fileSha256, line, key: record.key, by: actor.email },
      idempotencyKey: importKey,
    });
  }
  for (let start = 0; start < leads.length; start += CHUNK)
    await db.lead.createMany({ data: leads.slice(start, start + CHUNK) });
  for (let start = 0; start < stages.length; start += CHUNK)
    await db.stageEvent.createMany({ data: stages.slice(start, start + CHUNK) });
  for (let start = 0; start < markers.length; start += CHUNK)
    await db.interaction.createMany({ data: markers.slice(start, start + CHUNK) });
  for (let start = 0; start < deals.length; start += CHUNK)
    await db.deal.createMany({ data: deals.slice(start, start + CHUNK) });
}

/** The account a deal belongs to: its company, else the person. */
const accountName = (record: HistoryRecord) =>
  record.company ??
  ([record.firstName, record.lastName].filter(Boolean).join(' ') || record.email || record.externalId || 'Imported');

/** The account id of every deal's company: an account of that name, or a new one. */
async function accountIds(db: Db, tenant: string, planned: Planned[]): Promise<Map<string, string>> {
  const names = [...new Set(planned.filter((p) => p.record.deal).map((p) => accountName(p.record)))];
  const ids = new Map<string, string>();
  for (let start = 0; start < names.length; start += CHUNK) {
    const batch = names.slice(start, start + CHUNK);
    for (const account of await db.account.findMany({
      where: { tenant, name: { in: batch } },
      select: { id: true, name: true },
    }))
      ids.set(account.name, account.id);
  }
  const missing = names.filter((name) => !ids.has(name));
  for (const name of missing)
    ids.set(
      name,
      `acc_${createHash('sha256').update(`${tenant}\u0000account\u0000${name}`).digest('base64url').slice(0, 22)}`,
    );
  for (let start = 0; start < missing.length; start += CHUNK)
    await db.account.createMany({
      data: missing.slice(start, start + CHUNK).map((name) => ({ id: ids.get(name)!, tenant, name })),
    });
  return ids;
}

/** loss-reasons.yaml as a history row reads it: its codes (retired too), labels in every language, and fallback. */
export function lossReasonCatalogue(lossReasons: CompiledLossReasons | null): HistoryRowContext['lossReasons'] {
  if (!lossReasons) return null;
  const labels = new Map<string, string>();
  for (const reason of Object.values(lossReasons.reasons))
    for (const label of Object.values(reason.label)) labels.set(label.toLowerCase(), reason.code);
  return { codes: Object.keys(lossReasons.reasons), labels, fallback: lossReasons.fallback };
}
