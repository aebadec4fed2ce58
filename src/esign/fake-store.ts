/**
 * The fake provider's memory: envelopes, their idempotency keys and webhook deliveries. With a
 * file it is written through on every change (atomically), so `npm start` keeps envelopes and
 * undelivered events across restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  DeliveryViewSchema,
  ENVELOPE_STATUSES,
  EnvelopeCreateSchema,
  InvitationViewSchema,
  type DeliveryView,
  type EnvelopeCreate,
  type EventType,
} from './fake-protocol';
import type { SignatureOutcome } from './adapter';

const EnvelopeRecordSchema = EnvelopeCreateSchema.extend({
  id: z.string(),
  idempotencyKey: z.string(),
  status: z.enum(ENVELOPE_STATUSES),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  /** Absent in state files written before invitations: nothing to send. */
  invitation: InvitationViewSchema.optional(),
});
export type EnvelopeRecord = z.infer<typeof EnvelopeRecordSchema>;

const DeliveryRecordSchema = DeliveryViewSchema.extend({ envelopeId: z.string(), body: z.string() });
export type DeliveryRecord = z.infer<typeof DeliveryRecordSchema>;

const StateSchema = z.object({ envelopes: z.array(EnvelopeRecordSchema), deliveries: z.array(DeliveryRecordSchema) });

export class EnvelopeStateError extends Error {
  override readonly name = 'EnvelopeStateError';
}

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

export class FakeEnvelopeStore {
  private readonly envelopes = new Map<string, EnvelopeRecord>();
  private readonly byKey = new Map<string, string>();
  private readonly deliveries = new Map<string, DeliveryRecord>();

  /** Opens the store; with a file, what it holds is loaded (an unreadable file is an error, not silently dropped). */
  constructor(private readonly file?: string) {
    if (!file || !existsSync(file)) return;
    const parsed = StateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success)
      throw new Error(
        `${file}: not a fake e-signature state file (${parsed.error.issues[0]?.message ?? 'invalid'}); move it away to start empty.`,
      );
    for (const envelope of parsed.data.envelopes) this.remember(envelope);
    for (const delivery of parsed.data.deliveries) this.deliveries.set(delivery.eventId, delivery);
  }

  /** The envelope for this idempotency key: the existing one, or a new one from `input`. */
  create(
    idempotencyKey: string,
    input: EnvelopeCreate,
    now: Date,
    invite: boolean,
  ): { envelope: EnvelopeRecord; created: boolean } {
    const existing = this.envelopeByKey(idempotencyKey);
    if (existing) return { envelope: existing, created: false };
    const envelope: EnvelopeRecord = {
      ...input,
      id: newId('env'),
      idempotencyKey,
      status: 'sent',
      createdAt: now.toISOString(),
      completedAt: null,
      invitation: { state: invite ? 'pending' : 'off', attempts: 0, sentAt: null, error: null },
    };
    this.remember(envelope);
    this.save();
    return { envelope, created: true };
  }

  envelope(id: string): EnvelopeRecord | undefined {
    return this.envelopes.get(id);
  }

  list(): EnvelopeRecord[] {
    return [...this.envelopes.values()];
  }

  /**
   * Moves a sent envelope to its final state and queues the event that reports it.
   * Throws {@link EnvelopeStateError} when the envelope is already final.
   */
  complete(id: string, outcome: SignatureOutcome, now: Date): { envelope: EnvelopeRecord; delivery: DeliveryRecord } {
    const envelope = this.envelopes.get(id);
    if (!envelope) throw new EnvelopeStateError(`No envelope ${id}.`);
    if (envelope.status !== 'sent')
      throw new EnvelopeStateError(
        `Envelope ${id} is already ${envelope.status}; only a sent envelope can be ${outcome}.`,
      );
    envelope.status = outcome;
    envelope.completedAt = now.toISOString();
    const type: EventType = `envelope.${outcome}`;
    const eventId = newId('evt');
    const body = JSON.stringify({
      id: eventId,
      type,
      occurredAt: envelope.completedAt,
      envelope: { id, status: outcome, metadata: envelope.metadata },
    });
    const delivery: DeliveryRecord = { eventId, envelopeId: id, type, state: 'pending', attempts: [], body };
    this.deliveries.set(eventId, delivery);
    this.save();
    return { envelope, delivery };
  }

  delivery(eventId: string): DeliveryRecord | undefined {
    return this.deliveries.get(eventId);
  }

  deliveriesOf(envelopeId: string): DeliveryView[] {
    return [...this.deliveries.values()]
      .filter((d) => d.envelopeId === envelopeId)
      .map(({ eventId, type, state, attempts }) => ({ eventId, type, state, attempts }));
  }

  /** Envelopes whose invitation still has to go out. */
  pendingInvitations(): EnvelopeRecord[] {
    return this.list().filter((envelope) => envelope.invitation?.state === 'pending');
  }

  pendingDeliveries(): DeliveryRecord[] {
    return [...this.deliveries.values()].filter((d) => d.state === 'pending');
  }

  /** Writes the state through to the file, if there is one (write to a temp file, then rename). */
  save(): void {
    if (!this.file) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ envelopes: this.list(), deliveries: [...this.deliveries.values()] }));
    renameSync(temp, this.file);
  }

  private envelopeByKey(key: string): EnvelopeRecord | undefined {
    const id = this.byKey.get(key);
    return id === undefined ? undefined : this.envelopes.get(id);
  }

  private remember(envelope: EnvelopeRecord): void {
    this.envelopes.set(envelope.id, envelope);
    this.byKey.set(envelope.idempotencyKey, envelope.id);
  }
}
