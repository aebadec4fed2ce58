/**
 * Idempotency keys as the IETF Idempotency-Key HTTP header draft
 * (draft-ietf-httpapi-idempotency-key-header) describes them. A key is bound to the fingerprint
 * of the first request that used it, within its scope (tenant and caller), for a day:
 *
 * - the same request again gets the stored answer (same status, same body), replayed;
 * - a different request with the key gets 422 `idempotency_key_reused` at once, before anything
 *   is started or stored;
 * - a repeat while the first is still being processed waits a moment for its answer, then gets
 *   409 `idempotency_key_in_use`, never a second run.
 *
 * The record's id is the id of the work it guards (the lead submission), so a request that
 * resumes a key (after a 202, an error or a crash) continues the same work instead of starting
 * another.
 */
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { canonicalJson } from '../domain/canonical-json';
import { LeadflowError } from '../domain/errors';
import type { IdempotencyRecord, IdempotencyScope, IdempotencyStore, StoredAnswer } from '../db/idempotency-store';

export interface IdempotentRequest {
  scope: IdempotencyScope;
  key: string;
  /** See requestFingerprint. */
  fingerprint: string;
}

/** What the work answered; a non-final answer (a 202) is not stored, so a retry resumes the work. */
export interface WorkAnswer extends StoredAnswer {
  final: boolean;
}

export interface IdempotentOutcome extends StoredAnswer {
  /** True when this is the stored answer of an earlier request with the same key. */
  replayed: boolean;
}

export interface IdempotencyTiming {
  /** How long a key stays bound to its first request. */
  ttlMs: number;
  /** How long a request holds a key while it works (a crashed request's hold runs out). */
  leaseMs: number;
  /** How long a repeat waits for the first request's answer before it gets a 409. */
  waitMs: number;
  pollMs: number;
}

export const DEFAULT_IDEMPOTENCY_TIMING: IdempotencyTiming = {
  ttlMs: 24 * 60 * 60_000,
  leaseMs: 60_000,
  waitMs: 5_000,
  pollMs: 100,
};

/** sha256 of the method, the route and the canonical body: equal requests, equal fingerprints, whatever their key order. */
export function requestFingerprint(method: string, route: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${route}\n${canonicalJson(body)}`)
    .digest('hex');
}

export interface IdempotencyDeps {
  store: IdempotencyStore;
  timing?: IdempotencyTiming;
  clock?: () => Date;
}

/** Runs `work` once per key and request; see the module comment for the rules. */
export async function runIdempotently(
  deps: IdempotencyDeps,
  request: IdempotentRequest,
  work: (workId: string) => Promise<WorkAnswer>,
): Promise<IdempotentOutcome> {
  const timing = deps.timing ?? DEFAULT_IDEMPOTENCY_TIMING;
  const clock = deps.clock ?? (() => new Date());
  purgeNowAndThen(deps.store, clock());
  // A few rounds cover the races between claiming, expiring and locking; each round makes progress.
  for (let round = 0; round < 5; round++) {
    const now = clock();
    const claim = await deps.store.claim({
      id: randomUUID(),
      scope: request.scope,
      key: request.key,
      fingerprint: request.fingerprint,
      lockedUntil: new Date(now.getTime() + timing.leaseMs),
      expiresAt: new Date(now.getTime() + timing.ttlMs),
    });
    if (!claim) continue;
    if (claim.created) return runLocked(deps.store, claim.record.id, work);
    const existing = claim.record;
    if (existing.expiresAt <= now) {
      await deps.store.dropExpired(existing.id, now);
      continue;
    }
    if (existing.fingerprint !== request.fingerprint) throw reused(request.key);
    const settled = await untilUnlocked(deps.store, existing, timing, clock, request.key);
    if (!settled) continue;
    if (settled.answer) return { ...settled.answer, replayed: true };
    const resumeAt = clock();
    if (await deps.store.lock(settled.id, resumeAt, new Date(resumeAt.getTime() + timing.leaseMs)))
      return runLocked(deps.store, settled.id, work);
  }
  throw inUse(request.key);
}

async function runLocked(
  store: IdempotencyStore,
  id: string,
  work: (workId: string) => Promise<WorkAnswer>,
): Promise<IdempotentOutcome> {
  let answer: WorkAnswer;
  try {
    answer = await work(id);
  } catch (error) {
    // The key stays bound to this request; a retry resumes the same work.
    await store.unlock(id).catch(() => undefined);
    throw error;
  }
  const { final, ...stored } = answer;
  // If storing fails, the lock runs out and a retry resumes the work, which is idempotent itself.
  await (final ? store.complete(id, stored) : store.unlock(id)).catch(() => undefined);
  return { ...stored, replayed: false };
}

/** Waits while another request holds the key; null when the record disappeared (expired). */
async function untilUnlocked(
  store: IdempotencyStore,
  record: IdempotencyRecord,
  timing: IdempotencyTiming,
  clock: () => Date,
  key: string,
): Promise<IdempotencyRecord | null> {
  const deadline = clock().getTime() + timing.waitMs;
  let current: IdempotencyRecord | null = record;
  while (current && !current.answer && current.lockedUntil && current.lockedUntil > clock()) {
    if (clock().getTime() >= deadline) throw inUse(key);
    await sleep(timing.pollMs);
    current = await store.find(current.id);
  }
  return current;
}

function reused(key: string): LeadflowError {
  return new LeadflowError(
    'idempotency_key_reused',
    `The idempotency key "${key}" was already used for a different request; nothing was done. Use a new key for a new request (a key identifies one request, not a session).`,
  );
}

function inUse(key: string): LeadflowError {
  return new LeadflowError(
    'idempotency_key_in_use',
    `The first request with idempotency key "${key}" is still being processed; retry in a few seconds to get its answer.`,
  );
}

const PURGE_EVERY_MS = 60 * 60_000;
const lastPurge = new WeakMap<IdempotencyStore, number>();

/** Deletes expired records at most once an hour per store, in the background. */
function purgeNowAndThen(store: IdempotencyStore, now: Date): void {
  if (now.getTime() - (lastPurge.get(store) ?? 0) < PURGE_EVERY_MS) return;
  lastPurge.set(store, now.getTime());
  store.purgeExpired(now).catch(() => undefined);
}
