/**
 * The fake provider's invitation email: like a real provider, it emails the signer a link to the
 * signer page, once per envelope (envelopes are created once per idempotency key). The state is
 * saved as `sending` before the SMTP conversation, so a provider that dies mid-send finds it on
 * restart and marks it `unknown` instead of sending a second invitation; a mail server that is
 * down or answers 4xx is tried again a few times, a 5xx refusal is final (`failed`).
 */
import { MailDeliveryError, type Mailer } from '../email/mailer';
import { messageIdFor } from '../email/message-id';
import type { Logger } from '../logger';
import { sleepUnlessAborted } from './fake-delivery';
import type { EnvelopeRecord, FakeEnvelopeStore } from './fake-store';

export interface InvitationMail {
  mailer: Mailer;
  /** The From header, e.g. leadflow's MAIL_FROM. */
  from: string;
}

/** Waits between attempts: 4 attempts over about 36 seconds. */
export const DEFAULT_INVITATION_RETRY_DELAYS_MS = [1_000, 5_000, 30_000];

export interface InvitationSenderOptions {
  store: FakeEnvelopeStore;
  mail: InvitationMail;
  signingUrl: (envelopeId: string) => string;
  retryDelaysMs?: number[];
  logger?: Logger;
  now?: () => Date;
}

export class InvitationSender {
  private readonly active = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(private readonly options: InvitationSenderOptions) {}

  /** Sends the envelope's invitation if it is still pending. */
  send(envelope: EnvelopeRecord): void {
    if (envelope.invitation?.state !== 'pending' || this.stopping.signal.aborted) return;
    const run = this.attempts(envelope).finally(() => this.active.delete(run));
    this.active.add(run);
  }

  /** After a restart: an interrupted send becomes `unknown` (not sent again); pending ones go out. */
  resume(): void {
    for (const envelope of this.options.store.list()) {
      if (envelope.invitation?.state === 'sending') {
        envelope.invitation.state = 'unknown';
        envelope.invitation.error = 'the provider stopped while sending; not sent again, so it may not have arrived';
        this.options.store.save();
      }
    }
    for (const envelope of this.options.store.pendingInvitations()) this.send(envelope);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.active);
  }

  private async attempts(envelope: EnvelopeRecord): Promise<void> {
    const invitation = envelope.invitation!;
    const delays = this.options.retryDelaysMs ?? DEFAULT_INVITATION_RETRY_DELAYS_MS;
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0 && !(await sleepUnlessAborted(this.stopping.signal, delays[attempt - 1] ?? 0))) return;
      invitation.state = 'sending';
      invitation.attempts++;
      this.options.store.save();
      const outcome = await this.deliver(envelope);
      invitation.state = outcome.state;
      invitation.error = outcome.error ?? null;
      if (outcome.state === 'sent') invitation.sentAt = (this.options.now ?? (() => new Date()))().toISOString();
      if (outcome.state === 'pending' && attempt === delays.length) invitation.state = 'failed';
      this.options.store.save();
      if (invitation.state !== 'pending') return;
      this.options.logger?.warn({ envelopeId: envelope.id, error: outcome.error }, 'signer invitation not sent yet');
    }
  }

  private async deliver(
    envelope: EnvelopeRecord,
  ): Promise<{ state: 'sent' | 'pending' | 'failed' | 'unknown'; error?: string }> {
    const { mail } = this.options;
    const url = this.options.signingUrl(envelope.id);
    try {
      await mail.mailer.send({
        messageId: messageIdFor(`esign-fake:invitation:${envelope.id}`, mail.from),
        from: mail.from,
        to: envelope.signer.email,
        subject: `Please sign: ${envelope.title}`,
        text:
          `Hello ${envelope.signer.name},\n\n${envelope.title} is ready for your signature:\n\n${url}\n\n` +
          'Open the link to read the document, then sign or decline it.\n\n' +
          "(Sent by leadflow's fake e-signature provider: nothing is legally signed there.)\n",
      });
      return { state: 'sent' };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!(error instanceof MailDeliveryError)) return { state: 'unknown', error: message };
      switch (error.kind) {
        case 'transient':
          return { state: 'pending', error: message };
        case 'rejected':
          return { state: 'failed', error: message };
        case 'ambiguous':
          return { state: 'unknown', error: message };
      }
    }
  }
}
