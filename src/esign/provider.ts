/**
 * Picks the e-signature adapter the configuration names. Adding a provider means one adapter
 * class implementing {@link SignatureProvider} and one case here (plus its ESIGN_PROVIDER value).
 */
import type { EsignConfig } from '../config';
import type { SignatureProvider } from './adapter';
import { FakeSignatureClient } from './fake-client';

/** The configured provider. `fakeUrl` overrides ESIGN_FAKE_URL (the embedded fake's address). */
export function createSignatureProvider(config: EsignConfig, options: { fakeUrl?: string } = {}): SignatureProvider {
  switch (config.provider) {
    case 'fake':
      return new FakeSignatureClient({ baseUrl: options.fakeUrl ?? config.fake.url, secret: config.webhookSecret });
  }
}
