/**
 * The embedded mail sink's mailbox: every received email as `<id>.eml` (the raw message) plus
 * `<id>.json` (its parsed fields) in one folder of the data dir, so mail survives a restart and
 * can be opened with any mail client. Ids sort by arrival.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressObject, ParsedMail } from 'mailparser';
import { z } from 'zod';

/** One received email as the mailbox API shows it (and as its `.json` file stores it). */
const MailboxMessageSchema = z.object({
  id: z.string(),
  receivedAt: z.iso.datetime(),
  /** The SMTP envelope: who the server was told the mail is from and for. */
  envelope: z.object({ from: z.string().nullable(), to: z.array(z.string()) }),
  /** The From header, e.g. `leadflow <no-reply@leadflow.local>`. */
  from: z.string(),
  /** Addresses in the To header. */
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  /** The Message-ID header with its angle brackets, or null. */
  messageId: z.string().nullable(),
  size: z.number(),
});
export type MailboxMessage = z.infer<typeof MailboxMessageSchema>;

export interface MailboxFilter {
  /** Only mail for this address (envelope or To header), case-insensitive. */
  to?: string;
  /** At most this many, newest first. */
  limit?: number;
}

/** Read access to received mail; what `GET /api/dev/mailbox` serves. */
export interface Mailbox {
  /** Newest first. */
  list(filter?: MailboxFilter): Promise<MailboxMessage[]>;
  /** The message with its raw source, or undefined. */
  get(id: string): Promise<(MailboxMessage & { raw: string }) | undefined>;
}

/** A mailbox that can also receive, for the sink. */
export interface MailboxStore extends Mailbox {
  save(received: {
    raw: Buffer;
    parsed: ParsedMail;
    envelope: MailboxMessage['envelope'];
    receivedAt: Date;
  }): Promise<MailboxMessage>;
}

const ID = /^\d{13}-\d{4}-[0-9a-f]{8}$/;

/**
 * Opens (creating if needed) the mailbox folder and loads its index into memory. A `.json` file
 * that does not parse is left out of the listing and reported through `onUnreadable`.
 */
export async function openMailbox(
  dir: string,
  onUnreadable: (file: string, problem: string) => void = () => undefined,
): Promise<MailboxStore> {
  await mkdir(dir, { recursive: true });
  const messages = await loadIndex(dir, onUnreadable);
  let sequence = 0;

  return {
    async save({ raw, parsed, envelope, receivedAt }) {
      sequence = (sequence + 1) % 10_000;
      const id = `${String(receivedAt.getTime()).padStart(13, '0')}-${String(sequence).padStart(4, '0')}-${randomBytes(4).toString('hex')}`;
      const message: MailboxMessage = {
        id,
        receivedAt: receivedAt.toISOString(),
        envelope,
        from: parsed.from?.text ?? '',
        to: addresses(parsed.to),
        subject: parsed.subject ?? '',
        text: parsed.text ?? '',
        html: parsed.html || null,
        messageId: parsed.messageId ?? null,
        size: raw.length,
      };
      await writeFile(path.join(dir, `${id}.eml`), raw);
      // The .json is written last and renamed into place: a message is listed only once complete.
      const temporary = path.join(dir, `${id}.json.tmp`);
      await writeFile(temporary, JSON.stringify(message, null, 2));
      await rename(temporary, path.join(dir, `${id}.json`));
      messages.push(message);
      return message;
    },

    list(filter = {}) {
      const to = filter.to?.trim().toLowerCase();
      const matching = messages.filter(
        (m) => !to || [...m.envelope.to, ...m.to].some((address) => address.toLowerCase() === to),
      );
      return Promise.resolve(matching.toReversed().slice(0, filter.limit ?? matching.length));
    },

    async get(id) {
      const message = ID.test(id) ? messages.find((m) => m.id === id) : undefined;
      if (!message) return undefined;
      return { ...message, raw: await readFile(path.join(dir, `${id}.eml`), 'utf8') };
    },
  };
}

async function loadIndex(
  dir: string,
  onUnreadable: (file: string, problem: string) => void,
): Promise<MailboxMessage[]> {
  const files = (await readdir(dir)).filter(
    (name) => name.endsWith('.json') && ID.test(name.slice(0, -'.json'.length)),
  );
  const loaded = await Promise.all(
    files.map(async (name) => {
      const file = path.join(dir, name);
      try {
        return MailboxMessageSchema.parse(JSON.parse(await readFile(file, 'utf8')));
      } catch (error) {
        onUnreadable(file, error instanceof Error ? error.message : String(error));
        return undefined;
      }
    }),
  );
  return loaded.filter((m) => m !== undefined).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function addresses(header: AddressObject | AddressObject[] | undefined): string[] {
  const groups = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return groups
    .flatMap((group) =>
      group.value.flatMap((entry) => [entry.address, ...(entry.group ?? []).map((member) => member.address)]),
    )
    .filter((a): a is string => Boolean(a));
}
