import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/logger';
import { DevServerError, findFreePort, startDevServer } from '../../src/temporal/dev-server';

describe('embedded Temporal dev server', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-devserver-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const logger = createLogger('silent');

  it('when a previous run left its dev server behind, then the next start stops the orphan and takes over', async () => {
    const port = await findFreePort();
    const options = {
      binary: inject('temporalCliPath'),
      port,
      uiPort: null,
      namespace: 'default',
      logger,
      pidFile: path.join(dir, 'temporal.pid'),
    };
    const orphan = await startDevServer(options);
    const next = await startDevServer(options);
    try {
      expect(orphan.process.exitCode ?? orphan.process.signalCode).not.toBeNull();
      expect(next.address).toBe(`127.0.0.1:${port}`);
    } finally {
      await next.stop();
    }
  });

  it('when the port is taken by something else, then start-up says which variable to change', async () => {
    const port = await findFreePort();
    const other = await startDevServer({
      binary: inject('temporalCliPath'),
      port,
      uiPort: null,
      namespace: 'default',
      logger,
    });
    try {
      const attempt = startDevServer({
        binary: inject('temporalCliPath'),
        port,
        uiPort: null,
        namespace: 'default',
        logger,
      });
      await expect(attempt).rejects.toThrow(DevServerError);
      await expect(attempt).rejects.toThrow(/already in use.*set TEMPORAL_DEV_PORT/s);
    } finally {
      await other.stop();
    }
  });
});
