/** The public unsubscribe link: HTML pages for people, RFC 8058 one-click for mail providers. */
const token = {
  name: 'token',
  in: 'path',
  required: true,
  description: "`<leadId>.<signature>` from the email's unsubscribe link; the HMAC signature is the only credential.",
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}\\.[A-Za-z0-9_-]{32}$' },
};
const html = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
const oneClick = {
  type: 'object',
  required: ['List-Unsubscribe'],
  properties: { 'List-Unsubscribe': { const: 'One-Click' } },
};
const refusals = {
  '404': html(
    'The link does not verify (tampered, cut short, or from another installation), or its lead is gone; nothing changed.',
  ),
  '503': html('The database is unreachable; nothing changed. Retry after `Retry-After` seconds.'),
};

export const unsubscribePaths = {
  '/u/{token}': {
    get: {
      operationId: 'unsubscribePage',
      tags: ['unsubscribe'],
      summary: 'The confirmation page of an unsubscribe link (public; changes nothing)',
      description:
        'Shows the (masked) address and a button that POSTs the one-click body. A GET never unsubscribes: mail scanners fetch links. English or Simplified Chinese by `Accept-Language`.',
      parameters: [token],
      responses: {
        '200': html('The confirmation page, or "already unsubscribed".'),
        ...refusals,
      },
    },
    post: {
      operationId: 'unsubscribe',
      tags: ['unsubscribe'],
      summary: "Unsubscribe at once (RFC 8058 one-click; public, the link's signature authenticates)",
      description:
        "Puts the lead's address on the tenant's suppression list: no more marketing email to it from any journey (checked when each email is sent). Records `email.unsubscribed` in the audit trail and an `unsubscribe` event on the lead, which stops its cadence. Repeating it changes nothing.",
      parameters: [token],
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': { schema: oneClick },
          'multipart/form-data': { schema: oneClick },
        },
      },
      responses: {
        '200': html('Unsubscribed (or already was).'),
        '400': html('The body is not `List-Unsubscribe=One-Click`; nothing changed.'),
        ...refusals,
      },
    },
  },
};
