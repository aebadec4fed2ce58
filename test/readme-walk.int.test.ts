import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../src/temporal/dev-server';
import { startLeadflow, type Running } from './support/leadflow-process';

/**
 * The README's "A first walk" section, run as written: every `curl` of its shell blocks goes to a
 * real `leadflow start` on the shipped rules, from a folder whose `.data` is leadflow's data
 * folder, and every `# → status body` comment must match the answer ("…" stands for anything).
 * A README that drifts from the product fails here.
 */

interface Step {
  /** The shell text, continuation lines joined. */
  command: string;
  /** `# → …` after it: the status (when given) and the body with "…" wildcards. */
  expected?: { status?: number; body?: string };
  /** LEAD=… or DEAL=…: a variable taken from the previous answer. */
  assigns?: string;
}

function walkSteps(readme: string): Step[] {
  const section = readme.slice(readme.indexOf('## A first walk'), readme.indexOf('## Security model'));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
  const steps: Step[] = [];
  for (const block of blocks) {
    const lines = block.split('\n').map((line) => line.trim());
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.startsWith('# →')) {
        let text = line.slice(3).trim();
        while (lines[i + 1]?.startsWith('#   ')) text += ` ${lines[++i]!.slice(1).trim()}`;
        const [, status, body] = /^(\d{3})?\s*(.*)$/.exec(text)!;
        steps.at(-1)!.expected = { status: status ? Number(status) : undefined, body: body || undefined };
      } else if (/^(LEAD|DEAL)=/.test(line)) {
        steps.push({ command: line, assigns: line.slice(0, 4) });
      } else if (line !== '' && !line.startsWith('#')) {
        let command = line;
        while (command.endsWith('\\')) command = `${command.slice(0, -1)} ${lines[++i]!}`;
        steps.push({ command });
      }
    }
  }
  return steps;
}

/** `{"id":"ld_…","stage":"mql"}` → a regular expression over the compact JSON answer. */
function shapeOf(expected: string): RegExp {
  const escaped = expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('…', '.*?');
  return new RegExp(`^${escaped}$`, 's');
}

/** Runs one command in bash from `cwd`, with `vars` set; returns the status and the body. */
function runCurl(command: string, cwd: string, vars: Record<string, string>, port: number) {
  const shell = command
    .replace(/\s+#\s.*$/, '') // a trailing comment
    .replaceAll('localhost:3000', `127.0.0.1:${port}`);
  const script = `${Object.entries(vars)
    .map(([name, value]) => `${name}='${value}'`)
    .join('; ')}\n${shell} -w '\\n%{http_code}'`;
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    execFile('bash', ['-c', script], { cwd }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${shell}\n${stderr}`));
      const cut = stdout.lastIndexOf('\n');
      resolve({ status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) });
    });
  });
}

describe('the README first walk, against a running leadflow start', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'leadflow-walk-'));
  const dataDir = path.join(home, '.data');
  let running: Running;
  let port = 0;

  beforeAll(async () => {
    mkdirSync(dataDir);
    port = await findFreePort();
    running = startLeadflow(['start'], {
      LEADFLOW_TEMPORAL_CLI: inject('temporalCliPath'),
      LEADFLOW_DATA_DIR: dataDir,
      PORT: String(port),
      TEMPORAL_DEV_PORT: String(await findFreePort()),
      TEMPORAL_UI_PORT: String(await findFreePort()),
      LEADFLOW_SMTP_PORT: String(await findFreePort()),
    });
    await running.waitFor(/API\s+http:\/\/\S+\/api/);
  });
  afterAll(async () => {
    await running?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('when every command is run as written, then every answer matches the README', async () => {
    const steps = walkSteps(readFileSync('README.md', 'utf8'));
    expect(steps.filter((step) => step.command.startsWith('curl')).length).toBeGreaterThanOrEqual(8);
    const vars: Record<string, string> = {};
    const answers: { command: string; status: number; body: string }[] = [];
    for (const step of steps) {
      if (step.command.startsWith('TOKEN=$(cat .data/admin-token)')) {
        vars.TOKEN = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
        continue;
      }
      if (step.assigns) {
        const previous = JSON.parse(answers.at(-1)!.body) as { id?: string; dealId?: string };
        vars[step.assigns] = (step.assigns === 'LEAD' ? previous.id : previous.dealId) ?? '';
        expect(vars[step.assigns], step.command).toMatch(step.assigns === 'LEAD' ? /^ld_/ : /^dl_/);
        continue;
      }
      const answer = await runCurl(step.command, home, vars, port);
      answers.push({ command: step.command, ...answer });
      if (step.expected?.status) expect(answer.status, step.command).toBe(step.expected.status);
      else expect(answer.status, step.command).toBeLessThan(300);
      if (step.expected?.body) {
        const compact = JSON.stringify(JSON.parse(answer.body));
        expect(compact, step.command).toMatch(shapeOf(step.expected.body));
      }
    }

    // Step 2 says: an owner, a running first-touch SLA, and the owner emailed.
    const lead = JSON.parse(answers.find((a) => a.command.includes('/api/leads/$LEAD -H'))!.body) as {
      ownerId: string | null;
      queue: string | null;
      slaStatus: string;
    };
    expect(lead).toMatchObject({ ownerId: expect.stringContaining('@'), queue: null, slaStatus: 'running' });
    const mailbox = JSON.parse(answers.find((a) => a.command.includes('/api/dev/mailbox'))!.body) as {
      messages: { to: string[]; subject: string }[];
    };
    expect(mailbox.messages.some((m) => m.to.includes(lead.ownerId!) && /MQL/.test(m.subject))).toBe(true);
  });
});
