/**
 * {@link sendForSignature} as the worker's `sendQuoteForSignature` activity needs it: errors that
 * a retry cannot fix (an unknown or unsignable version, a bad signer, a 4xx from the provider)
 * become non-retryable failures; an unreachable or failing provider is retried by Temporal.
 */
import { ApplicationFailure } from '@temporalio/common';
import { LeadflowError } from '../domain/errors';
import { SignatureProviderError } from './adapter';
import { sendForSignature, type SendForSignatureDeps, type SendForSignatureInput, type SignatureSent } from './send';

const RETRYABLE_CODES = new Set(['database_unavailable', 'temporal_unavailable']);

export function createSignatureSender(
  deps: SendForSignatureDeps,
): (input: SendForSignatureInput) => Promise<SignatureSent> {
  return async (input) => {
    try {
      return await sendForSignature(deps, input);
    } catch (error) {
      if (error instanceof LeadflowError && !RETRYABLE_CODES.has(error.code))
        throw ApplicationFailure.nonRetryable(error.message, `Signature:${error.code}`, error.details);
      if (error instanceof SignatureProviderError && !error.retryable)
        throw ApplicationFailure.nonRetryable(error.message, 'SignatureProviderRejected', {
          status: error.status ?? null,
        });
      throw error;
    }
  };
}
