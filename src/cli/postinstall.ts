/**
 * Runs after `npm install` / `npm ci`: generates the Prisma clients (needed to run at all) and
 * provisions the Temporal binaries (needed only for the embedded server and workflow tests).
 * A provisioning failure is reported but does not fail the install: `npm start` retries it and
 * a deployment using TEMPORAL_ADDRESS does not need the binaries.
 */
import { generatePrismaClients } from '../db/generate';
import { ensureTool, temporalCli, temporalTestServer } from '../temporal/provision';

await generatePrismaClients();
console.log('leadflow: Prisma clients generated (SQLite and PostgreSQL)');

if (process.env.LEADFLOW_SKIP_PROVISION === '1') {
  console.log('leadflow: LEADFLOW_SKIP_PROVISION=1, not downloading Temporal binaries');
} else {
  for (const tool of [temporalCli, temporalTestServer]) {
    try {
      const binary = await ensureTool(tool, (message) => console.log(`leadflow: ${message}`));
      console.log(`leadflow: ${tool.binary} ${tool.version} ready at ${binary}`);
    } catch (error) {
      console.warn(`leadflow: warning: ${(error as Error).message}`);
    }
  }
}

// The sales workspace (src/web/app) is built here, so `npm install && npm start` needs no other step.
try {
  const { buildWorkspace } = await import('../web/build');
  const result = await buildWorkspace();
  console.log(`leadflow: web workspace ${result.built ? 'built' : 'already current'} in ${result.dir}`);
} catch (error) {
  console.warn(`leadflow: warning: the web workspace did not build: ${(error as Error).message}`);
}
