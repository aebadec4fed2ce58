import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import type { IntakeDeps } from '../usecases/intake';
import { LeadflowError } from '../domain/errors';
import { databaseLeadLookup } from '../usecases/lead-identity';
import { checkDatabase } from './health';

/** What lead intake needs from the HTTP layer; shared by the leads API and the form webhook. */
export function intakeDeps(
  deps: { db: Db; temporal: Client; taskQueue: string; now?: () => Date },
  whatWasLost: string,
): IntakeDeps {
  return {
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    now: deps.now ?? (() => new Date()),
    lookup: databaseLeadLookup(deps.db),
    assertDatabaseReachable: async () => {
      const check = await checkDatabase(deps.db);
      if (check.status === 'down')
        throw new LeadflowError(
          'database_unavailable',
          `The database is unreachable (${check.message}); ${whatWasLost}`,
        );
    },
  };
}
