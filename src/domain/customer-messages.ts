/**
 * What leadflow says to customers and prospects in its own words (not RevOps' cadence templates):
 * the unsubscribe pages and the email that carries a quote. One catalogue per locale, English and
 * Simplified Chinese, with the same keys, so the compiler refuses a locale with a missing message.
 * Pure.
 */

export const CUSTOMER_LOCALES = ['en', 'zh-CN'] as const;
export type CustomerLocale = (typeof CUSTOMER_LOCALES)[number];

export interface QuoteEmailFacts {
  contactName?: string;
  company: string;
  seller: string;
  quoteNumber: string;
  version: number;
  /** "USD 9,000.00" */
  total: string;
  /** YYYY-MM-DD */
  validUntil: string;
  /** The deal owner, whom replies reach. */
  ownerEmail: string;
}

export interface CustomerMessages {
  unsubscribe: {
    title: string;
    question: (email: string) => string;
    explanation: string;
    button: string;
    doneTitle: string;
    done: (email: string) => string;
    already: (email: string) => string;
    invalidTitle: string;
    invalid: string;
    incompleteTitle: string;
    incomplete: string;
    unavailableTitle: string;
    unavailable: string;
  };
  quoteEmail: {
    subject: (facts: QuoteEmailFacts) => string;
    body: (facts: QuoteEmailFacts) => string;
  };
}

export const customerMessages: Record<CustomerLocale, CustomerMessages> = {
  en: {
    unsubscribe: {
      title: 'Unsubscribe',
      question: (email) => `Stop sales and marketing emails to ${email}?`,
      explanation:
        'You will receive no more sales and marketing emails from us at this address. Emails you ask for, such as a quote, still reach you.',
      button: 'Unsubscribe',
      doneTitle: 'You are unsubscribed',
      done: (email) => `${email} will receive no more sales and marketing emails from us.`,
      already: (email) => `${email} is already unsubscribed.`,
      invalidTitle: 'This link is not valid',
      invalid:
        'It may have been cut short: open it exactly as it appears in the email, or reply to the email and ask us to stop.',
      incompleteTitle: 'Nothing was changed',
      incomplete: 'To unsubscribe, open the link from the email in a browser and press the button.',
      unavailableTitle: 'Please try again',
      unavailable: 'We could not record your request just now. Please try again in a minute.',
    },
    quoteEmail: {
      subject: (f) => `Quote ${f.quoteNumber} from ${f.seller}`,
      body: (f) =>
        `${f.contactName ? `Hello ${f.contactName},` : 'Hello,'}\n\n` +
        `Please find attached our quote ${f.quoteNumber} (version ${f.version}) for ${f.company}: ${f.total}, valid until ${f.validUntil}.\n\n` +
        `If you have any questions, just reply to this email; it reaches ${f.ownerEmail}.\n\n` +
        `${f.seller}\n`,
    },
  },
  'zh-CN': {
    unsubscribe: {
      title: '退订',
      question: (email) => `不再向 ${email} 发送销售和营销邮件？`,
      explanation: '此地址将不再收到我们的销售和营销邮件。您主动索取的邮件（例如报价单）仍会发送给您。',
      button: '退订',
      doneTitle: '您已退订',
      done: (email) => `${email} 将不再收到我们的销售和营销邮件。`,
      already: (email) => `${email} 已经退订。`,
      invalidTitle: '此链接无效',
      invalid: '链接可能不完整：请按邮件中的原样打开，或直接回复邮件要求我们停止发送。',
      incompleteTitle: '未作任何更改',
      incomplete: '如需退订，请在浏览器中打开邮件里的链接并点击按钮。',
      unavailableTitle: '请稍后再试',
      unavailable: '暂时无法记录您的请求，请一分钟后再试。',
    },
    quoteEmail: {
      subject: (f) => `${f.seller} 的报价单 ${f.quoteNumber}`,
      body: (f) =>
        `${f.contactName ? `${f.contactName}，您好：` : '您好：'}\n\n` +
        `附件是我们为 ${f.company} 准备的报价单 ${f.quoteNumber}（第 ${f.version} 版）：总计 ${f.total}，有效期至 ${f.validUntil}。\n\n` +
        `如有任何问题，请直接回复此邮件，回复将送达 ${f.ownerEmail}。\n\n` +
        `${f.seller}\n`,
    },
  },
};

/**
 * The locale to answer in, from an Accept-Language header: the first listed language we have
 * (by quality), any Chinese (`zh`, `zh-CN`, `zh-Hans`, also `zh-TW`, as the only Chinese we
 * write is Simplified) meaning Simplified Chinese; English otherwise.
 */
export function negotiateLocale(acceptLanguage: string | undefined): CustomerLocale {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
  }
  return 'en';
}
