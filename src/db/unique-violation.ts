/**
 * Whether a Prisma error is a unique key clash: P2002 from Prisma's own statements, or P2010 with
 * the driver adapter's UniqueConstraintViolation from a raw statement (`$executeRaw`, the SQLite
 * bulk outbox INSERTs). Every "someone else wrote it first" path asks this, so a raw statement's
 * clash is never mistaken for a failure.
 */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } } | null;
  if (!e || typeof e !== 'object') return false;
  return (
    e.code === 'P2002' ||
    (e.code === 'P2010' && e.meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation')
  );
}
