import type { Db } from '../src/db/client';
import { createLeadActivities } from './leads';

/** What activities need from the outside world; the worker builds this once. */
export interface ActivityDeps {
  db: Db;
}

/** Every activity the worker registers. Workflows import this module as a type only. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createLeadActivities(deps.db),
  };
}

export type Activities = ReturnType<typeof createActivities>;
