import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Output of one Prisma CLI run. */
export interface PrismaCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The Prisma 6 CLI insists on finding native engine files even when it runs the JS schema engine
 * through a driver adapter. Pointing these variables at any existing file stops it from trying to
 * download them (which fails offline). Nothing ever executes that file.
 */
function offlineEngineEnv(projectRoot: string): Record<string, string> {
  const placeholder = path.join(projectRoot, 'node_modules', '.cache', 'leadflow', 'prisma-engine-placeholder');
  if (!existsSync(placeholder)) {
    mkdirSync(path.dirname(placeholder), { recursive: true });
    writeFileSync(placeholder, 'leadflow uses Prisma driver adapters; no native engine is needed.\n');
  }
  return {
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? placeholder,
    PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY ?? placeholder,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  };
}

/** Runs the project's Prisma CLI with the given args and extra environment. */
export function runPrismaCli(
  args: string[],
  env: Record<string, string | undefined>,
  projectRoot = process.cwd(),
): Promise<PrismaCliResult> {
  const cli = require.resolve('prisma/build/index.js', { paths: [projectRoot] });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: projectRoot,
      env: withoutUndefined({ ...process.env, ...offlineEngineEnv(projectRoot), ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function withoutUndefined(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
