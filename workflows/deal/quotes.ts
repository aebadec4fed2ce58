/**
 * The deal's quotes as its workflow keeps them: one entry per quote, at its current version. A
 * deal may carry several quotes at once (alternatives for the customer); a new version replaces
 * only its own quote's entry. Plus the one message whose addressee may be gone by the time it is
 * sent. Deterministic code only.
 */
import { ApplicationFailure, getExternalWorkflowHandle, type SignalDefinition } from '@temporalio/workflow';
import type { DealQuote, DealState, QuoteVersionStatus } from '../dealMessages';
import { worded, type QuoteRefusalCode, type Worded } from '../../src/domain/reason-codes';

/** Versions that are still an offer: waiting for approval, approved, or sent and not yet signed. */
export const OPEN_QUOTE_STATUSES: readonly QuoteVersionStatus[] = ['draft', 'pending-approval', 'approved', 'sent'];
/** Versions a deal may be won on. */
const WINNABLE: readonly QuoteVersionStatus[] = ['approved', 'sent', 'signed'];

/** State carried over continue-as-new from before deals kept several quotes: its one `quote` becomes `quotes`. */
export function upgradeDealState(state: DealState & { quote?: DealQuote | null }): DealState {
  if (Array.isArray(state.quotes)) return state;
  const { quote, ...rest } = state;
  return { ...rest, quotes: quote ? [quote] : [] };
}

export const quoteOf = (state: DealState, quoteId: string): DealQuote | undefined =>
  state.quotes.find((quote) => quote.quoteId === quoteId);

export const quoteWithVersion = (state: DealState, versionId: string): DealQuote | undefined =>
  state.quotes.find((quote) => quote.versionId === versionId);

/** The quote's current version takes the place of its previous one; a new quote is added. */
export function putQuote(state: DealState, quote: DealQuote): void {
  const at = state.quotes.findIndex((known) => known.quoteId === quote.quoteId);
  if (at === -1) state.quotes.push(quote);
  else state.quotes[at] = quote;
}

/** "Q-2026-0007 version 2", with the quote id for a quote the deal heard of without its number. */
export const quoteLabel = (quote: Pick<DealQuote, 'quoteId' | 'number' | 'version'>): string =>
  `${quote.number ?? quote.quoteId} version ${quote.version}`;

/**
 * The quote a deal is won on: the named one, or else the only approved (sent, signed) one. Several
 * approved quotes and none named is a refusal: the contract must follow the quote the customer chose.
 */
export function quoteToWin(
  state: DealState,
  quoteId: string | undefined,
): DealQuote | { refused: string; why: Worded<QuoteRefusalCode> } {
  if (quoteId !== undefined) {
    const named = quoteOf(state, quoteId);
    if (!named) return { refused: `the deal has no quote ${quoteId}`, why: worded('win-no-such-quote', { quoteId }) };
    if (!WINNABLE.includes(named.status))
      return {
        refused: `quote ${quoteLabel(named)} is ${named.status}; a deal is won on an approved, sent or signed quote`,
        why: worded('win-quote-not-winnable', {
          quote: named.number ?? named.quoteId,
          version: named.version,
          status: named.status,
        }),
      };
    return named;
  }
  const winnable = state.quotes.filter((quote) => WINNABLE.includes(quote.status));
  if (winnable.length === 1) return winnable[0]!;
  if (winnable.length === 0)
    return {
      refused: 'A deal is won on an approved quote: create and approve a quote first.',
      why: worded('win-no-approved-quote'),
    };
  return {
    refused: `several quotes are approved (${winnable.map(quoteLabel).join(', ')}): name the one the customer accepted in quoteId`,
    why: worded('win-several-approved-quotes', {
      quotes: winnable.map((quote) => `${quote.number ?? quote.quoteId} v${quote.version}`).join(', '),
    }),
  };
}

/**
 * Signals a workflow that may have ended meanwhile: an approval chain that just finished, or a
 * deal that closed. Returns false when it no longer runs (a closed workflow takes no signals, so
 * there is nobody left to tell); other failures are thrown.
 */
export async function signalIfRunning<Args extends unknown[]>(
  workflowId: string,
  signal: SignalDefinition<Args>,
  ...args: Args
): Promise<boolean> {
  try {
    await getExternalWorkflowHandle(workflowId).signal(signal, ...args);
    return true;
  } catch (error) {
    if (error instanceof ApplicationFailure && isNotFound(error)) return false;
    throw error;
  }
}

/** Temporal reports a signal to a closed or unknown workflow as cause `ExternalWorkflowExecutionNotFound`. */
function isNotFound(failure: ApplicationFailure): boolean {
  return (
    failure.type === 'ExternalWorkflowExecutionNotFound' ||
    failure.type === 'NamespaceNotFound' ||
    failure.message.includes('because it was not found')
  );
}
