/**
 * Builds the sales workspace (src/web/app, Preact + Vite) into dist/web. `npm install` runs it
 * (postinstall), `leadflow start` and the integration tests' global setup run it again when the
 * sources changed since the last build, so the two README commands are all a fresh clone needs.
 *
 * The build is skipped when dist/web/.source-hash matches a hash of every source file, the
 * lockfile and this file; otherwise Vite builds into a fresh temporary folder that then replaces
 * dist/web in one rename, so a process serving the old build never sees half of a new one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
/** The workspace's sources: index.html, the TSX, the stylesheet and the message catalogues. */
export const WEB_SOURCE = join(HERE, 'app');
/** Where the built workspace is served from. */
export const WEB_DIST = join(ROOT, 'dist', 'web');
const HASH_FILE = '.source-hash';

export interface WorkspaceBuild {
  /** The folder that holds index.html and assets/. */
  dir: string;
  /** False when the previous build was current and was kept. */
  built: boolean;
  /** Bytes of each emitted file under assets/, by name (for the bundle report). */
  assets: Record<string, number>;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

/** A hash of everything the build reads: a change to any of it makes the next start rebuild. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  const inputs = [...filesUnder(WEB_SOURCE), fileURLToPath(import.meta.url), join(ROOT, 'package-lock.json')];
  for (const file of inputs) {
    if (!existsSync(file)) continue;
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function assetSizes(dir: string): Record<string, number> {
  const assets = join(dir, 'assets');
  if (!existsSync(assets)) return {};
  return Object.fromEntries(filesUnder(assets).map((file) => [relative(assets, file), readFileSync(file).length]));
}

/** True when dist/web holds a build of the current sources. */
export function workspaceIsCurrent(dir = WEB_DIST): boolean {
  const file = join(dir, HASH_FILE);
  return existsSync(join(dir, 'index.html')) && existsSync(file) && readFileSync(file, 'utf8') === sourceHash();
}

/** Builds the workspace unless the current build is up to date (or `force`). */
export async function buildWorkspace(options: { force?: boolean; outDir?: string } = {}): Promise<WorkspaceBuild> {
  const outDir = options.outDir ?? WEB_DIST;
  if (!options.force && workspaceIsCurrent(outDir)) return { dir: outDir, built: false, assets: assetSizes(outDir) };
  const hash = sourceHash();
  const { build } = await import('vite');
  mkdirSync(dirname(outDir), { recursive: true });
  const staging = `${outDir}.building-${process.pid}-${Date.now()}`;
  await build({
    root: WEB_SOURCE,
    base: '/',
    configFile: false,
    logLevel: 'warn',
    clearScreen: false,
    // Vite's default JSX runtime is React's; the workspace is Preact (TSX, automatic runtime).
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
    build: {
      outDir: staging,
      emptyOutDir: true,
      assetsDir: 'assets',
      target: 'es2022',
      sourcemap: false,
      manifest: true,
      // The browsers leadflow supports all preload modules natively; the polyfill would be an inline script.
      modulePreload: { polyfill: false },
      reportCompressedSize: false,
      chunkSizeWarningLimit: 1024,
    },
  });
  writeFileSync(join(staging, HASH_FILE), hash);
  const previous = `${outDir}.old-${process.pid}-${Date.now()}`;
  if (existsSync(outDir)) renameSync(outDir, previous);
  renameSync(staging, outDir);
  rmSync(previous, { recursive: true, force: true });
  return { dir: outDir, built: true, assets: assetSizes(outDir) };
}
