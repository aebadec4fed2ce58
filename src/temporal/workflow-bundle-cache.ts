/**
 * The workflow bundle, built once per version of the code rather than on every start. Bundling
 * `workflows/` with webpack takes seconds of CPU (more on a busy machine), and every `leadflow
 * start` and `leadflow worker` did it again on unchanged code.
 *
 * The cache key is a hash of every TypeScript file under `workflows/`, `activities/` and `src/`
 * (what the bundle can import; a change anywhere there rebuilds it, which is simple to get right and
 * seldom costs a rebuild that was not needed), the Temporal SDK's version and `package-lock.json`. The bundle is written to a temporary
 * file and renamed, so two processes starting at once never read half a bundle; older bundles are
 * removed once a new one is written. A cache that cannot be read or written only costs the rebuild.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowBundle } from '@temporalio/worker';
import { bundleWorkflows } from './worker';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The folders whose TypeScript the bundle may import. */
const SOURCES = ['workflows', 'activities', 'src'];
/** Bumped when what is cached changes shape. */
const FORMAT = 1;
const PREFIX = 'workflow-bundle-';

/**
 * Where bundles are kept: with the installation, not the data folder, since a bundle belongs to the
 * code (every data folder and every process of one checkout shares it). Where `node_modules` is
 * read-only the write fails, and each start bundles as before.
 */
export const WORKFLOW_BUNDLE_CACHE = path.join(ROOT, 'node_modules', '.cache', 'leadflow');

/** The hash of everything the workflow bundle is built from. */
export function workflowSourceHash(root = ROOT): string {
  const hash = createHash('sha256').update(`format ${FORMAT}\n`);
  for (const name of ['@temporalio/worker', '@temporalio/workflow']) {
    const manifest = JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    };
    hash.update(`${name}@${manifest.version}\n`);
  }
  try {
    hash.update(readFileSync(path.join(root, 'package-lock.json')));
  } catch {
    // An installation without a lock file: the SDK's version above still counts.
  }
  for (const folder of SOURCES) {
    const files = (readdirSync(path.join(root, folder), { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts'))
      .sort();
    for (const file of files) {
      hash.update(`${folder}/${file}\n`);
      hash.update(readFileSync(path.join(root, folder, file)));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** The bundle for the code as it is now: from `cacheDir` when built before, else built and stored there. */
export async function cachedWorkflowBundle(
  cacheDir: string,
  logger: { info(details: object, message: string): void; warn(details: object, message: string): void },
): Promise<WorkflowBundle> {
  const key = workflowSourceHash();
  const file = path.join(cacheDir, `${PREFIX}${key}.js`);
  try {
    return { code: readFileSync(file, 'utf8') };
  } catch {
    // Not built yet for this code (or unreadable): build it.
  }
  const started = Date.now();
  const { code } = await bundleWorkflows();
  try {
    mkdirSync(cacheDir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, code);
    renameSync(temporary, file);
    for (const other of readdirSync(cacheDir))
      if (other.startsWith(PREFIX) && other !== path.basename(file) && !other.endsWith('.tmp'))
        rmSync(path.join(cacheDir, other), { force: true });
    logger.info({ file, ms: Date.now() - started }, 'workflow code bundled and cached for the next start');
  } catch (error) {
    logger.warn({ err: error, cacheDir }, 'could not cache the workflow bundle; the next start bundles it again');
  }
  return { code };
}
