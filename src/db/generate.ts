import { runPrismaCli } from './prisma-cli';
import { schemaPathFor } from './database-target';

/**
 * Generates the Prisma clients for both providers (run by `npm install` via postinstall).
 * Each provider needs its own client because the query compiler is provider-specific.
 */
export async function generatePrismaClients(projectRoot = process.cwd()): Promise<void> {
  for (const schema of Object.values(schemaPathFor)) {
    const result = await runPrismaCli(['generate', '--schema', schema], {}, projectRoot);
    if (result.code !== 0) {
      throw new Error(`prisma generate failed for ${schema}:\n${result.stdout}\n${result.stderr}`);
    }
  }
}
