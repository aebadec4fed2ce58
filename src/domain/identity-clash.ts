/**
 * Why a submission cannot be the lead it names: its email and external id point at different
 * stored leads, or at one lead whose record says otherwise. The 409 of a single capture and the
 * refused row of a bulk intake carry these as a code and values next to the English text, so each
 * is worded in its reader's language (English is the text they always had).
 */
import type { Worded } from './reason-codes';

type Values = Readonly<Record<string, string | number>>;

export const IDENTITY_CLASHES = {
  'external-id-of-other-lead': {
    en: (v: Values) => `belongs to lead ${v.lead}, not to the lead with this email (${v.emailLead})`,
    zh: (v: Values) => `属于线索 ${v.lead}，而非此电子邮件所属的线索（${v.emailLead}）`,
  },
  'email-not-on-record': {
    en: (v: Values) => `does not match the email of lead ${v.lead} (external id "${v.externalId}")`,
    zh: (v: Values) => `与线索 ${v.lead}（外部编号 "${v.externalId}"）记录的电子邮件不一致`,
  },
  'external-id-differs': {
    en: (v: Values) => `lead ${v.lead} has external id "${v.externalId}"`,
    zh: (v: Values) => `线索 ${v.lead} 的外部编号是 "${v.externalId}"`,
  },
} satisfies Record<string, { en: (values: Values) => string; zh: (values: Values) => string }>;
export type IdentityClash = keyof typeof IDENTITY_CLASHES;

/** A field of an identity refusal: its English message, and the code and values as `why` (never answered). */
export function clashField(
  path: string,
  code: IdentityClash,
  values: Values,
): { path: string; message: string; why: Worded } {
  return { path, message: IDENTITY_CLASHES[code].en(values), why: { code, params: values } };
}

/** The Chinese of a field's `why`, when it is an identity clash; undefined otherwise. */
export function chineseClash(why: Worded | undefined): string | undefined {
  if (!why || !Object.hasOwn(IDENTITY_CLASHES, why.code)) return undefined;
  const values = Object.fromEntries(
    Object.entries(why.params).filter((entry): entry is [string, string | number] => entry[1] !== null),
  );
  return IDENTITY_CLASHES[why.code as IdentityClash].zh(values);
}
