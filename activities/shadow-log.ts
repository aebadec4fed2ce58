/**
 * Where a failed shadow evaluation is logged when the worker gave no logger: the activity's own
 * logger (Temporal's, with the workflow and activity ids), or nowhere outside an activity. Logging
 * must not throw: a shadow never fails the activity it watches.
 */
import { log } from '@temporalio/activity';
import type { ShadowLogger } from '../src/usecases/shadow-evaluation';

export const activityLog: ShadowLogger = {
  warn(obj, msg) {
    try {
      log.warn(msg, { ...obj });
    } catch {
      // Called outside an activity (a test calling the function directly): nowhere to log.
    }
  },
};
