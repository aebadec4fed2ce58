/**
 * A second "worker process" for the cross-process routing test: assigns the given leads, all at
 * once, through its own database connection, and prints the results as JSON on stdout.
 * Input (env BURST_INPUT, JSON): { url, tenant, leadIds, pool }.
 */
import { createRoutingActivities } from '../../activities/routing';
import { createDb } from '../../src/db/client';
import { resolveDatabaseTarget } from '../../src/db/database-target';
import type { CompiledPool } from '../../src/rules/ruleset';
import { assignInput } from './support';

const { url, tenant, leadIds, pool } = JSON.parse(process.env.BURST_INPUT ?? '{}') as {
  url: string;
  tenant: string;
  leadIds: string[];
  pool: CompiledPool;
};
const db = createDb(resolveDatabaseTarget(url, process.cwd()));
const routing = createRoutingActivities({ db });
const results = await Promise.all(leadIds.map((leadId) => routing.assignLead(assignInput(tenant, leadId, pool))));
await db.$disconnect();
process.stdout.write(JSON.stringify(results));
