import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedWorkflowBundle, workflowSourceHash } from '../../src/temporal/workflow-bundle-cache';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A checkout in miniature: the SDK's manifests and one file in each folder the bundle reads. */
function checkout(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bundle-key-'));
  dirs.push(root);
  for (const name of ['worker', 'workflow']) {
    mkdirSync(path.join(root, 'node_modules', '@temporalio', name), { recursive: true });
    writeFileSync(path.join(root, 'node_modules', '@temporalio', name, 'package.json'), '{"version":"1.24.0"}');
  }
  for (const folder of ['workflows', 'activities', 'src/domain']) {
    mkdirSync(path.join(root, folder), { recursive: true });
    writeFileSync(path.join(root, folder, 'a.ts'), 'export const a = 1;\n');
  }
  return root;
}

describe('the workflow bundle cache', () => {
  it('keys a bundle by every source file it may import, and by the SDK version', () => {
    const root = checkout();
    const first = workflowSourceHash(root);
    expect(workflowSourceHash(root)).toBe(first);
    writeFileSync(path.join(root, 'src/domain/a.ts'), 'export const a = 2;\n');
    const edited = workflowSourceHash(root);
    expect(edited).not.toBe(first);
    writeFileSync(path.join(root, 'workflows/b.ts'), '');
    const added = workflowSourceHash(root);
    expect(added).not.toBe(edited);
    writeFileSync(path.join(root, 'node_modules/@temporalio/workflow/package.json'), '{"version":"1.25.0"}');
    expect(workflowSourceHash(root)).not.toBe(added);
  });

  it('starts from the bundle built for this code instead of bundling again', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'bundle-cache-'));
    dirs.push(cache);
    writeFileSync(path.join(cache, `workflow-bundle-${workflowSourceHash()}.js`), '/* built before */');
    const logged: string[] = [];
    const logger = { info: (_: unknown, m: string) => logged.push(m), warn: (_: unknown, m: string) => logged.push(m) };
    expect(await cachedWorkflowBundle(cache, logger)).toEqual({ code: '/* built before */' });
    expect(logged).toEqual([]);
  });
});
