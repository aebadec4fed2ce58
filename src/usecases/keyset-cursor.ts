/**
 * A keyset cursor, `<epoch milliseconds>.<base64url of the row id>`: the position of the last row
 * shown, ordered by time then id. Every string of the documented shape (at most 13 digits of
 * milliseconds: before 2287, a date every database stores) is a valid position, so a client can
 * never hold a cursor of the right shape that the API refuses. Callers check their pattern first.
 */
/** The shape of every keyset cursor the API hands out (its routes check it before parseKeyset). */
export const KEYSET_CURSOR = /^\d{1,13}\.[A-Za-z0-9_-]{1,400}$/;

export interface KeysetPosition {
  occurredAt: Date;
  id: string;
}

export function encodeKeyset(position: KeysetPosition): string {
  return `${position.occurredAt.getTime()}.${Buffer.from(position.id, 'utf8').toString('base64url')}`;
}

/** The position of a cursor that already matched its route's pattern. */
export function parseKeyset(cursor: string): KeysetPosition {
  const [millis, id] = cursor.split('.') as [string, string];
  return { occurredAt: new Date(Number(millis)), id: Buffer.from(id, 'base64url').toString('utf8') };
}
