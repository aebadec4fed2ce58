import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLinkSecret, LINK_SECRET_FILE } from '../../src/cli/link-secret';
import { ConfigError } from '../../src/config';

const SECRET = 'unit-test-link-secret-0123456789abcdef';

describe('the link secret', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-link-'));
    dirs.push(dir);
    return path.join(dir, 'data');
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('when none is configured, then one is generated into the data dir (owner-only) and the same one is read on the next start', async () => {
    const dir = dataDir();
    const [first, concurrent] = await Promise.all([loadLinkSecret({ dataDir: dir }), loadLinkSecret({ dataDir: dir })]);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(concurrent).toBe(first);
    expect(statSync(path.join(dir, LINK_SECRET_FILE)).mode & 0o777).toBe(0o600);
    expect(await loadLinkSecret({ dataDir: dir })).toBe(first);
  });

  it('when LEADFLOW_LINK_SECRET is set, then it wins and no file is written', async () => {
    const dir = dataDir();
    expect(await loadLinkSecret({ dataDir: dir, linkSecret: SECRET })).toBe(SECRET);
    expect(() => statSync(path.join(dir, LINK_SECRET_FILE))).toThrow();
  });

  it('when the file holds no secret, then start-up fails saying what to do instead of replacing it', async () => {
    const dir = dataDir();
    await loadLinkSecret({ dataDir: dir });
    writeFileSync(path.join(dir, LINK_SECRET_FILE), '\n');
    await expect(loadLinkSecret({ dataDir: dir })).rejects.toThrow(ConfigError);
    await expect(loadLinkSecret({ dataDir: dir })).rejects.toThrow(/delete it to have a new one created/);
  });
});
