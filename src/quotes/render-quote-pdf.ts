/**
 * renderQuotePdf (./quote-pdf.ts), loaded with the first quote rendered. pdf-lib and fontkit take
 * about 0.4 s to load, which every process that starts the API or the worker paid at start-up,
 * whether or not it ever rendered a quote.
 */
import type { QuoteRenderInput } from '../domain/quote-render';

export async function renderQuotePdf(input: QuoteRenderInput): Promise<Uint8Array> {
  const { renderQuotePdf: render } = await import('./quote-pdf');
  return render(input);
}
