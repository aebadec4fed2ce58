/**
 * Bulk intake: many leads captured in one request (a JSON batch, or an event's attendee CSV).
 * Every row is checked with the schema of POST /api/leads; bad rows are named and left out, good
 * rows go into the intake outbox in one transaction, with the batch's record, before the answer.
 * From there the dispatcher hands them to their journeys exactly as a single capture's, so a
 * batch survives Temporal being away and an API restart.
 *
 * A row's submission id is derived from the tenant and the row's normalised content, so sending
 * the same rows again captures nothing twice (they count as `alreadyImported`), and a file with a
 * few new rows adds just those. Identity resolution is batched: one query per chunk of rows.
 */
import { createHash, randomUUID } from 'node:crypto';
import { providerOf, type Db, type Prisma } from '../db/client';
import { normalizeEmail, type LeadSubmission } from '../domain/lead';
import { LeadflowError } from '../domain/errors';
import type { Capture } from '../db/intake-outbox';
import type { FieldError } from '../api/errors';
import type { IntakeDispatcher } from './intake-dispatcher';
import type { LeadInput } from './intake';
import { resolveLeadIdentity, type KnownLead, type LeadLookup } from './lead-identity';
import { isUniqueViolation } from '../db/unique-violation';

/** Rows one batch or attendee file may hold; more is a 413 naming this limit. */
export const MAX_BATCH_ROWS = 5_000;
/** Rows whose identities are looked up, and whose outbox rows are written, per statement. */
const CHUNK = 500;

/**
 * A rejected row: `row` is the index in `leads` (JSON batch) or the file's row number (CSV, the
 * header is row 1); `field` the lead field, `column` the CSV header that held it. `message` is the
 * English text; `code` and `values` say the same for wording it in the reader's language
 * (src/api/row-words.ts), stored with the batch and never answered. Rows stored before codes have
 * neither.
 */
export interface RowError {
  row: number;
  field: string;
  column?: string;
  message: string;
  code?: string;
  values?: Record<string, unknown>;
  /** The message names the file's row and column first ("row 3, column "Email": …"). */
  fileRow?: true;
}

/** One row of a batch, as the parser left it: a lead to capture, or why it cannot be. */
export type BatchRow = { row: number; lead: Omit<LeadInput, 'tenant'> } | { row: number; errors: RowError[] };

export interface BatchHeader {
  tenant: string;
  kind: 'batch' | 'csv';
  source: string | null;
  campaign: string | null;
  fileName: string | null;
  /** A person's email or an integration's name. */
  createdBy: string;
}

export interface BatchReceipt {
  batchId: string;
  received: number;
  accepted: number;
  alreadyImported: number;
  rejected: number;
  errors: RowError[];
}

/** 413 before anything is looked at: the request holds more rows than one batch takes. */
export function assertWithinBatchLimit(rows: number, what: string): void {
  if (rows > MAX_BATCH_ROWS)
    throw new LeadflowError(
      'payload_too_large',
      `The ${what} has ${rows} rows; a batch takes at most ${MAX_BATCH_ROWS}. Split it into parts of at most ${MAX_BATCH_ROWS} rows; nothing was captured.`,
    );
}

/**
 * The submission id of a row: a UUID (version 8, RFC 9562) built from sha256 over the tenant and
 * the lead's content with its keys sorted, so the same row sent again has the same id.
 */
export function rowSubmissionId(tenant: string, lead: Omit<LeadInput, 'tenant'>): string {
  const normalised = lead.email === undefined ? lead : { ...lead, email: normalizeEmail(lead.email) };
  const bytes = createHash('sha256')
    .update(`${tenant}\u0000${canonicalJson(normalised)}`)
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

interface Planned {
  row: number;
  capture: Pick<Capture, 'submissionId' | 'tenant' | 'leadId' | 'journeyId' | 'submission'>;
}

/**
 * Captures a batch: resolve the good rows' identities (one query per chunk) → store the batch's
 * record and the new rows' outbox entries in one transaction → nudge the dispatcher. Rows whose
 * identity clashes with stored leads (the 409 of a single capture) are rejected like bad rows.
 */
export async function captureBatch(
  deps: { db: Db; now: () => Date; dispatcher?: Pick<IntakeDispatcher, 'handOver'> },
  header: BatchHeader,
  rows: BatchRow[],
): Promise<BatchReceipt> {
  const errors: RowError[] = rows.flatMap((r) => ('errors' in r ? r.errors : []));
  const good = rows.filter((r): r is Extract<BatchRow, { lead: unknown }> => 'lead' in r);
  const receivedAt = deps.now().toISOString();
  const planned: Planned[] = [];
  for (let at = 0; at < good.length; at += CHUNK) {
    const chunk = good.slice(at, at + CHUNK);
    const lookup = await chunkLookup(deps.db, header.tenant, chunk);
    for (const { row, lead } of chunk) {
      try {
        const identity = await resolveLeadIdentity(lookup, header.tenant, lead);
        const submissionId = rowSubmissionId(header.tenant, lead);
        const submission: LeadSubmission = { ...lead, tenant: header.tenant, submissionId, receivedAt };
        const { leadId, journeyId } = identity;
        planned.push({ row, capture: { submissionId, tenant: header.tenant, leadId, journeyId, submission } });
      } catch (error) {
        if (!(error instanceof LeadflowError)) throw error;
        const details = Array.isArray(error.details) ? (error.details as FieldError[]) : [];
        for (const d of details.length > 0 ? details : [{ path: 'email', message: error.message }])
          errors.push({
            row,
            field: d.path,
            message: d.message,
            ...(d.why ? { code: d.why.code, values: d.why.params } : {}),
          });
      }
    }
  }
  // A row repeated within the batch is captured once, as its first occurrence.
  const unique = new Map<string, Planned>();
  for (const p of planned) if (!unique.has(p.capture.submissionId)) unique.set(p.capture.submissionId, p);
  const batchId = randomUUID();
  errors.sort((a, b) => a.row - b.row);
  const counts = { received: rows.length, rejected: new Set(errors.map((e) => e.row)).size, errors };
  // Two uploads of the same rows at once: the one that lost the race finds the other's rows next time.
  const storedAt = deps.now();
  const fresh = await storeBatch(deps.db, storedAt, batchId, header, [...unique.values()], counts).catch(
    (error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
      return storeBatch(deps.db, storedAt, batchId, header, [...unique.values()], counts);
    },
  );
  for (const p of fresh) deps.dispatcher?.handOver(asCapture(p, storedAt));
  return {
    batchId,
    received: rows.length,
    accepted: fresh.length,
    alreadyImported: planned.length - fresh.length,
    rejected: counts.rejected,
    errors,
  };
}

/** One query for the chunk's stored leads; resolveLeadIdentity then reads from memory. */
async function chunkLookup(db: Db, tenant: string, chunk: { lead: Omit<LeadInput, 'tenant'> }[]): Promise<LeadLookup> {
  const emails = chunk.flatMap(({ lead }) => (lead.email ? [normalizeEmail(lead.email)] : []));
  const externalIds = chunk.flatMap(({ lead }) => (lead.externalId ? [lead.externalId] : []));
  const known: KnownLead[] = await db.lead.findMany({
    where: { tenant, OR: [{ email: { in: emails } }, { externalId: { in: externalIds } }] },
    select: { id: true, journeyId: true, email: true, externalId: true },
  });
  const byEmail = new Map(known.flatMap((l) => (l.email ? [[l.email, l] as const] : [])));
  const byExternalId = new Map(known.flatMap((l) => (l.externalId ? [[l.externalId, l] as const] : [])));
  return (_tenant, keys) =>
    Promise.resolve({
      byEmail: (keys.email && byEmail.get(keys.email)) || null,
      byExternalId: (keys.externalId && byExternalId.get(keys.externalId)) || null,
    });
}

/** The batch's record and its new outbox rows, in one transaction; returns the rows it added. */
async function storeBatch(
  db: Db,
  now: Date,
  batchId: string,
  header: BatchHeader,
  planned: Planned[],
  counts: { received: number; rejected: number; errors: RowError[] },
): Promise<Planned[]> {
  const sqlite = providerOf(db) === 'sqlite';
  return db.$transaction(
    async (tx) => {
      const fresh: Planned[] = [];
      for (let at = 0; at < planned.length; at += CHUNK) {
        const chunk = planned.slice(at, at + CHUNK);
        const existing = await tx.intakeSubmission.findMany({
          where: { id: { in: chunk.map((p) => p.capture.submissionId) } },
          select: { id: true },
        });
        const seen = new Set(existing.map((e) => e.id));
        const added = chunk.filter((p) => !seen.has(p.capture.submissionId));
        const data = added.map(({ row, capture }) => ({
          id: capture.submissionId,
          tenant: capture.tenant,
          leadId: capture.leadId,
          journeyId: capture.journeyId,
          submission: capture.submission as unknown as Prisma.InputJsonValue,
          batchId,
          row,
          state: 'pending',
          attempts: 0,
          nextAttemptAt: now,
          createdAt: now,
        }));
        if (sqlite) await insertOutboxRowsSqlite(tx, data);
        else await tx.intakeSubmission.createMany({ data });
        fresh.push(...added);
      }
      await tx.intakeBatch.create({
        data: {
          id: batchId,
          ...header,
          received: counts.received,
          accepted: fresh.length,
          alreadyImported: planned.length - fresh.length,
          rejected: counts.rejected,
          rowErrors: counts.errors as unknown as Prisma.InputJsonValue,
        },
      });
      return fresh;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

/** Outbox rows per INSERT statement on SQLite: 11 values each, under SQLite's oldest limit of 999. */
const SQLITE_ROWS_PER_INSERT = 90;

/**
 * The outbox rows as multi-row INSERTs: on SQLite, Prisma's createMany spends about 0.25 ms per
 * row building its statements (2,000 rows: 480–740 ms against 100–150 ms this way, measured
 * 4 December 2026). Both paths write the same values for the columns the schema defaults, and
 * times in the format Prisma writes (`2026-12-04T17:25:56.545+00:00`), so the dispatcher reads
 * these rows exactly like those of single captures; test/usecases/bulk-outbox-rows.int.test.ts
 * compares them column by column with a row Prisma wrote. PostgreSQL keeps createMany.
 */
async function insertOutboxRowsSqlite(
  tx: Prisma.TransactionClient,
  rows: {
    id: string;
    tenant: string;
    leadId: string;
    journeyId: string;
    submission: Prisma.InputJsonValue;
    batchId: string;
    row: number;
    state: string;
    attempts: number;
    nextAttemptAt: Date;
    createdAt: Date;
  }[],
): Promise<void> {
  const stamp = (time: Date) => time.toISOString().replace('Z', '+00:00');
  for (let at = 0; at < rows.length; at += SQLITE_ROWS_PER_INSERT) {
    const part = rows.slice(at, at + SQLITE_ROWS_PER_INSERT);
    await tx.$executeRawUnsafe(
      `INSERT INTO "IntakeSubmission" ("id", "tenant", "leadId", "journeyId", "submission", "state", "attempts", "nextAttemptAt", "createdAt", "batchId", "row") VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      ...part.flatMap((r) => [
        r.id,
        r.tenant,
        r.leadId,
        r.journeyId,
        JSON.stringify(r.submission),
        r.state,
        r.attempts,
        stamp(r.nextAttemptAt),
        stamp(r.createdAt),
        r.batchId,
        r.row,
      ]),
    );
  }
}

function asCapture(p: Planned, now: Date): Capture {
  return {
    ...p.capture,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    outcome: null,
    submissions: null,
    lastError: null,
    createdAt: now,
    settledAt: null,
  };
}
