/**
 * Who a limit counts against: the API token when the request authenticated (so one noisy token
 * cannot use up its neighbours' share behind a shared address), else the client address (IPv6
 * addresses by /56 network, so one host cannot dodge a limit by rotating its addresses).
 */
import type { Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { AuthenticatedRequest } from '../../auth/actor';

/** `address:<client address>`; behind proxies, the address the `trust proxy` setting lets through. */
export function clientAddressKey(req: Request): string {
  return `address:${ipKeyGenerator(req.ip ?? 'unknown')}`;
}

/** `token:<token id>` for an authenticated request, else {@link clientAddressKey}. */
export function callerKey(req: Request): string {
  const actor = (req as AuthenticatedRequest).actor;
  return actor ? `token:${actor.tokenId}` : clientAddressKey(req);
}
