/**
 * Cadence email rendering: a `cadences.yaml` template plus what we know about the lead and its
 * owner becomes a subject, a plain-text body and an HTML body. Pure code: safe in workflows.
 *
 * A placeholder whose value is missing (or blank) never shows up as `{{…}}` or "undefined";
 * it gets the fallback in {@link FALLBACKS}, and the result lists which placeholders fell back.
 */
import type { TEMPLATE_PLACEHOLDERS } from '../rules/semantics/cadences';
import type { Language } from './languages';

/** A personalisation field a template may use; the list lives with the rule validation. */
export type Placeholder = (typeof TEMPLATE_PLACEHOLDERS)[number];

/** A compiled cadence template, as `getTemplate(ruleset, name)` returns it. */
export interface EmailTemplate {
  subject: string;
  body: string;
}

type Known = string | null | undefined;

/** What the email activity knows about the recipient, the owner and the lead's source. */
export interface Personalisation {
  contact?: { firstName?: Known; lastName?: Known; title?: Known };
  company?: { name?: Known };
  owner?: { firstName?: Known; name?: Known; email?: Known; meetingLink?: Known };
  source?: { campaign?: Known };
  /** Every cadence email must carry a way out; there is no silent fallback for a missing link. */
  unsubscribeUrl: string;
}

export interface RenderedEmail {
  /** One line: line breaks in values cannot reach the Subject header. */
  subject: string;
  text: string;
  /** The text as HTML paragraphs; every value is escaped, links are clickable. */
  html: string;
  /** Placeholders that had no value and used their fallback, for logs and the lead's timeline. */
  fallbacks: Placeholder[];
}

/** The words a fallback is made of, in the email's language. */
const FALLBACK_WORDS: Record<
  Language,
  { there: string; yourCompany: string; team: string; reply: string; theEvent: string; unsubscribe: string }
> = {
  en: {
    there: 'there',
    yourCompany: 'your company',
    team: 'The team',
    reply: 'just reply to this email',
    theEvent: 'the event',
    unsubscribe: 'reply with UNSUBSCRIBE',
  },
  'zh-CN': {
    there: '您',
    yourCompany: '贵公司',
    team: '团队',
    reply: '直接回复此邮件即可',
    theEvent: '活动',
    unsubscribe: '回复“退订”',
  },
};

/**
 * Fallback per placeholder, chosen so the sentence still reads naturally (English words shown;
 * a zh-CN email uses {@link FALLBACK_WORDS}' Chinese ones):
 * - `contact.firstName`: "there" ("Hi there,"); as a form of address at the start
 *   ("{{contact.firstName}}, a quick question") or end (", {{contact.firstName}}?") of a line
 *   it is dropped with its comma (also a full-width "，") instead ("A quick question…",
 *   "Should I close your file?").
 * - `contact.lastName`, `contact.title`, `owner.email`: nothing (the space before it goes too).
 * - `company.name`: "your company"; `source.campaign`: "the event".
 * - `owner.firstName`: the first word of `owner.name`, else "The team"; `owner.name`: the
 *   first name, else "The team" (a lead in the fallback queue has no owner yet).
 * - `owner.meetingLink`: `mailto:` the owner, else "just reply to this email".
 * - `unsubscribeUrl`: required by the type; if blank anyway, "reply with UNSUBSCRIBE".
 */
const FALLBACKS: Record<Placeholder, (p: Personalisation, words: (typeof FALLBACK_WORDS)[Language]) => string> = {
  'contact.firstName': (_p, w) => w.there,
  'contact.lastName': () => '',
  'contact.title': () => '',
  'company.name': (_p, w) => w.yourCompany,
  'owner.firstName': (p, w) => present(p.owner?.name)?.split(/\s+/)[0] ?? w.team,
  'owner.name': (p, w) => present(p.owner?.firstName) ?? w.team,
  'owner.email': () => '',
  'owner.meetingLink': (p, w) => {
    const email = present(p.owner?.email);
    return email ? `mailto:${email}` : w.reply;
  },
  'source.campaign': (_p, w) => w.theEvent,
  unsubscribeUrl: (_p, w) => w.unsubscribe,
};

function valueOf(placeholder: Placeholder, p: Personalisation): string | undefined {
  switch (placeholder) {
    case 'contact.firstName':
      return present(p.contact?.firstName);
    case 'contact.lastName':
      return present(p.contact?.lastName);
    case 'contact.title':
      return present(p.contact?.title);
    case 'company.name':
      return present(p.company?.name);
    case 'owner.firstName':
      return present(p.owner?.firstName);
    case 'owner.name':
      return present(p.owner?.name);
    case 'owner.email':
      return present(p.owner?.email);
    case 'owner.meetingLink':
      return present(p.owner?.meetingLink);
    case 'source.campaign':
      return present(p.source?.campaign);
    case 'unsubscribeUrl':
      return present(p.unsubscribeUrl);
  }
}

/**
 * Renders a template (already in the recipient's language) with the lead's personalisation; a
 * missing value gets its fallback in `language`. Never throws; unknown placeholders render empty.
 */
export function renderEmail(
  template: EmailTemplate,
  personalisation: Personalisation,
  language: Language = 'en',
): RenderedEmail {
  const fallbacks = new Set<Placeholder>();
  const words = FALLBACK_WORDS[language];
  const subject = fill(template.subject, personalisation, fallbacks, words).replace(/\s+/g, ' ').trim();
  const text = fill(template.body.replace(/\r\n?/g, '\n'), personalisation, fallbacks, words);
  return { subject, text, html: textToHtml(text), fallbacks: [...fallbacks] };
}

const PLACEHOLDER = /\{\{\s*([^}\s]*)\s*\}\}/g;
const isPlaceholder = (name: string): name is Placeholder => Object.hasOwn(FALLBACKS, name);

/** Substitutes every placeholder in one pass, so a value containing `{{…}}` is never expanded. */
function fill(
  source: string,
  p: Personalisation,
  fallbacks: Set<Placeholder>,
  words: (typeof FALLBACK_WORDS)[Language],
): string {
  const withoutAddress = present(p.contact?.firstName) === undefined ? dropFormOfAddress(source, fallbacks) : source;
  let out = '';
  let last = 0;
  for (const match of withoutAddress.matchAll(PLACEHOLDER)) {
    out += withoutAddress.slice(last, match.index);
    last = match.index + match[0].length;
    const name = match[1] ?? '';
    let value = '';
    if (isPlaceholder(name)) {
      const known = valueOf(name, p);
      if (known === undefined) fallbacks.add(name);
      value = known ?? FALLBACKS[name](p, words);
    }
    // An empty value takes its leading space with it: "Hi Ada {{contact.lastName}}," → "Hi Ada,".
    if (value === '' && out.endsWith(' ') && /^(?:$|[\s,.;:!?)])/.test(withoutAddress.slice(last)))
      out = out.slice(0, -1);
    out += value;
  }
  return out + withoutAddress.slice(last);
}

/** "{{contact.firstName}}, a question" → "A question"; "your file, {{contact.firstName}}?" → "your file?" */
function dropFormOfAddress(source: string, fallbacks: Set<Placeholder>): string {
  const name = String.raw`\{\{\s*contact\.firstName\s*\}\}`;
  const dropped = source
    .replace(
      new RegExp(String.raw`^([ \t]*)${name}[,，][ \t]*(\S)`, 'gm'),
      (_all, indent: string, next: string) => indent + next.toUpperCase(),
    )
    .replace(new RegExp(String.raw`[,，][ \t]*${name}(?=[ \t]*(?:[?!.？！。]|$))`, 'gm'), '');
  if (dropped !== source) fallbacks.add('contact.firstName');
  return dropped;
}

function present(value: Known): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

const LINK = /\b(?:https?:\/\/|mailto:)[^\s<>"']+[^\s<>"'.,;:!?)]/g;

/** Paragraphs on blank lines, `<br>` on single line breaks, escaped text, clickable links. */
function textToHtml(text: string): string {
  return text
    .trim()
    .split(/\n[ \t]*\n+/)
    .map((paragraph) => `<p>${paragraph.split('\n').map(linkify).join('<br>\n')}</p>`)
    .join('\n');
}

function linkify(line: string): string {
  let out = '';
  let last = 0;
  for (const match of line.matchAll(LINK)) {
    out += escapeHtml(line.slice(last, match.index));
    const href = escapeHtml(match[0]);
    out += `<a href="${href}">${href}</a>`;
    last = match.index + match[0].length;
  }
  return out + escapeHtml(line.slice(last));
}

/** Escapes text for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
