/**
 * The idempotency records behind `Idempotency-Key` and webhook delivery ids: one row per key and
 * scope, bound to its first request's fingerprint, holding the answer once there is a final one.
 * The unique (tenant, caller, key) index is what makes twenty concurrent first uses of one key
 * yield exactly one owner. The rules (replay, 422, 409, expiry) live in src/usecases/idempotency.ts.
 */
import type { Db, Prisma } from './client';
import { isUniqueViolation } from './unique-violation';

/** Whose keys a key is compared with: keys of different tenants or callers never meet. */
export interface IdempotencyScope {
  tenant: string;
  /** "api" (anonymous), "token:<id>" (an API token), or "webhook:forms" (a form tool's deliveries). */
  caller: string;
}

/** An HTTP answer as stored for replay. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

export interface IdempotencyRecord {
  id: string;
  fingerprint: string;
  /** Set once the work gave a final answer; replayed from then on. */
  answer: StoredAnswer | null;
  /** A request is working on the key until then (null or past: free to resume). */
  lockedUntil: Date | null;
  expiresAt: Date;
}

export interface NewIdempotencyRecord {
  id: string;
  scope: IdempotencyScope;
  key: string;
  fingerprint: string;
  lockedUntil: Date;
  expiresAt: Date;
}

export interface IdempotencyStore {
  /** Creates the record, locked by the caller, unless the key exists: then returns that record. */
  claim(record: NewIdempotencyRecord): Promise<{ created: boolean; record: IdempotencyRecord } | null>;
  find(id: string): Promise<IdempotencyRecord | null>;
  /** Takes the lock of a record without a final answer whose lock is free or ran out. */
  lock(id: string, now: Date, until: Date): Promise<boolean>;
  /** Stores the final answer and releases the lock. */
  complete(id: string, answer: StoredAnswer): Promise<void>;
  /** Releases the lock without an answer: the next request with the key resumes the work. */
  unlock(id: string): Promise<void>;
  /** Deletes the record if it has expired, so its key starts afresh. */
  dropExpired(id: string, now: Date): Promise<void>;
  /** Deletes every expired record (run now and then; the table would otherwise only grow). */
  purgeExpired(now: Date): Promise<number>;
}

type Row = NonNullable<Awaited<ReturnType<Db['idempotencyRecord']['findUnique']>>>;

function toRecord(row: Row): IdempotencyRecord {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    answer:
      row.state === 'completed' && row.responseStatus !== null
        ? { status: row.responseStatus, body: row.responseBody }
        : null,
    lockedUntil: row.lockedUntil,
    expiresAt: row.expiresAt,
  };
}

export function createIdempotencyStore(db: Db): IdempotencyStore {
  return {
    async claim(record) {
      try {
        const row = await db.idempotencyRecord.create({
          data: {
            id: record.id,
            tenant: record.scope.tenant,
            caller: record.scope.caller,
            key: record.key,
            fingerprint: record.fingerprint,
            state: 'processing',
            lockedUntil: record.lockedUntil,
            expiresAt: record.expiresAt,
          },
        });
        return { created: true, record: toRecord(row) };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      const { tenant, caller } = record.scope;
      const existing = await db.idempotencyRecord.findUnique({
        where: { tenant_caller_key: { tenant, caller, key: record.key } },
      });
      // Null only when the holder was deleted (expired) in between: the caller claims again.
      return existing ? { created: false, record: toRecord(existing) } : null;
    },

    async find(id) {
      const row = await db.idempotencyRecord.findUnique({ where: { id } });
      return row ? toRecord(row) : null;
    },

    async lock(id, now, until) {
      const { count } = await db.idempotencyRecord.updateMany({
        where: { id, state: 'processing', OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] },
        data: { lockedUntil: until },
      });
      return count === 1;
    },

    async complete(id, answer) {
      await db.idempotencyRecord.update({
        where: { id },
        data: {
          state: 'completed',
          lockedUntil: null,
          responseStatus: answer.status,
          responseBody: answer.body as Prisma.InputJsonValue,
        },
      });
    },

    async unlock(id) {
      await db.idempotencyRecord.updateMany({ where: { id, state: 'processing' }, data: { lockedUntil: null } });
    },

    async dropExpired(id, now) {
      await db.idempotencyRecord.deleteMany({ where: { id, expiresAt: { lte: now } } });
    },

    async purgeExpired(now) {
      const { count } = await db.idempotencyRecord.deleteMany({ where: { expiresAt: { lte: now } } });
      return count;
    },
  };
}
