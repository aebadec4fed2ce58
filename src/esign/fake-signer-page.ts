/**
 * The fake provider's pages for people: the list of envelopes and the signer page with its
 * "Sign" and "Decline" buttons (plain forms, no script), with the document shown above them.
 */
import { escapeHtml as e } from '../domain/email-template';
import type { EnvelopeRecord } from './fake-store';

const STYLE =
  'body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d2430}iframe{width:100%;height:60vh;border:1px solid #d8dce3}' +
  'button{font-size:1rem;padding:.5rem 1.5rem;margin-right:1rem}.status{font-weight:bold;text-transform:uppercase}table{border-collapse:collapse}td,th{padding:.25rem .75rem;text-align:left}';

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${e(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** `GET /sign/:id`: the document and, while it awaits a signature, the two buttons. */
export function signerPage(envelope: EnvelopeRecord): string {
  const actions =
    envelope.status === 'sent'
      ? `<form method="post" action="/envelopes/${e(envelope.id)}/sign" style="display:inline"><button type="submit">Sign</button></form>` +
        `<form method="post" action="/envelopes/${e(envelope.id)}/decline" style="display:inline"><button type="submit">Decline</button></form>`
      : `<p>This envelope is <span class="status">${e(envelope.status)}</span>${envelope.completedAt ? ` (${e(envelope.completedAt)})` : ''}.</p>`;
  const pdf = envelope.pdfBase64 ? ` · <a href="/envelopes/${e(envelope.id)}/document.pdf">PDF</a>` : '';
  return page(
    envelope.title,
    `<h1>${e(envelope.title)}</h1>
<p>For ${e(envelope.signer.name)} &lt;${e(envelope.signer.email)}&gt; · status <span class="status">${e(envelope.status)}</span>${pdf}</p>
<iframe title="Document" sandbox src="/envelopes/${e(envelope.id)}/document"></iframe>
<p>${actions}</p>
<p><small>leadflow's fake e-signature provider: nothing is legally signed here.</small></p>`,
  );
}

/** `GET /`: every envelope, newest first, with a link to its signer page. */
export function envelopeIndex(envelopes: EnvelopeRecord[]): string {
  const rows = [...envelopes]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map(
      (env) =>
        `<tr><td><a href="/sign/${e(env.id)}">${e(env.title)}</a></td><td>${e(env.signer.email)}</td><td class="status">${e(env.status)}</td><td>${e(env.createdAt)}</td></tr>`,
    )
    .join('');
  return page(
    'Fake e-signature provider',
    `<h1>Fake e-signature provider</h1>
${envelopes.length ? `<table><tr><th>Document</th><th>Signer</th><th>Status</th><th>Sent</th></tr>${rows}</table>` : '<p>No envelopes yet: send a quote for signature.</p>'}`,
  );
}
