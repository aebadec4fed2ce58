import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/logger';
import { runLeadflow } from '../support/leadflow-process';
import { providers } from '../support/database';
import { findFreePort, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';

/**
 * Bulk intake: a JSON batch and an attendee CSV, through the real API into real journeys (Temporal
 * dev server, worker, SQLite). Progress is read the way a client reads it: GET /api/intake-batches/{id}.
 */
type Progress = { pending: number; stored: number; created: number; merged: number; failed: number; total: number };

async function settled(system: TestSystem, location: string, timeoutMs = 90_000) {
  const done = await eventually(async () => (await http(`${system.url}${location}`)).body.done === true, timeoutMs);
  expect(done).toBe(true);
  return (await http(`${system.url}${location}`)).body as { progress: Progress; waiting: unknown };
}

const csvPost = (system: TestSystem, query: string, csv: string) =>
  http(`${system.url}/api/imports/attendees?${query}`, { rawBody: csv, headers: { 'content-type': 'text/csv' } });

describe.each(providers)('bulk intake on %s', (provider) => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem(provider);
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });
  const leadByEmail = (email: string) =>
    system.database.db.lead.findFirst({ where: { tenant: system.config.tenant, email } });

  it('when a batch has good and bad rows, then the bad rows are named, the good ones all reach their journeys, and a re-upload captures nothing twice', async () => {
    const good = Array.from({ length: 12 }, (_, i) => ({ email: `batch-${i}@bulk.io`, firstName: `Ada${i}` }));
    const leads = [
      ...good.slice(0, 6),
      { email: 'not-an-email', firstName: 'Bad' },
      ...good.slice(6),
      { firstName: 'No identity' },
      { email: 'batch-0@bulk.io', company: 'Acme' }, // the same person again, more to say
      { email: 'wrong-source@bulk.io', source: 'carrier-pigeon' },
    ];
    const sent = await http(`${system.url}/api/leads/batch`, {
      body: { leads, source: 'events', campaign: 'fair-2026' },
    });
    expect(sent.status).toBe(202);
    expect(sent.headers.get('location')).toBe(`/api/intake-batches/${sent.body.id}`);
    expect(sent.body).toMatchObject({ received: 16, accepted: 13, alreadyImported: 0, rejected: 3 });
    expect(sent.body.errors).toEqual([
      { row: 6, field: 'email', message: expect.any(String) },
      { row: 13, field: 'email', message: expect.stringContaining('is required unless externalId') },
      { row: 15, field: 'source', message: expect.stringContaining('must be one of') },
    ]);

    const progress = await settled(system, sent.headers.get('location')!);
    expect(progress.progress).toMatchObject({ total: 13, pending: 0, stored: 13, created: 12, merged: 1, failed: 0 });
    const first = await leadByEmail('batch-0@bulk.io');
    expect(first).toMatchObject({ firstName: 'Ada0', company: 'Acme', source: 'events' });
    expect(first?.sourceDetails).toMatchObject({ campaign: 'fair-2026' });
    expect(await system.database.db.lead.count({ where: { email: { endsWith: '@bulk.io' } } })).toBe(12);

    const again = await http(`${system.url}/api/leads/batch`, {
      body: { leads, source: 'events', campaign: 'fair-2026' },
    });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ received: 16, accepted: 0, alreadyImported: 13, rejected: 3, done: true });

    const more = await http(`${system.url}/api/leads/batch`, {
      body: {
        leads: [...leads, { email: 'late-1@bulk.io' }, { email: 'late-2@bulk.io' }],
        source: 'events',
        campaign: 'fair-2026',
      },
    });
    expect(more.body).toMatchObject({ received: 18, accepted: 2, alreadyImported: 13, rejected: 3 });
    const moreProgress = await settled(system, more.headers.get('location')!);
    expect(moreProgress.progress).toMatchObject({ total: 2, stored: 2, created: 2 });
    expect(await system.database.db.lead.count({ where: { email: { endsWith: '@bulk.io' } } })).toBe(14);
    // Each journey got each submission once.
    const shown = await http(`${system.url}/api/leads/${first!.id}`);
    expect(shown.body.journey.submissions).toBe(2);

    const listed = await http(`${system.url}/api/intake-batches?limit=3`);
    expect(listed.status).toBe(200);
    expect(listed.body.batches.map((b: { id: string }) => b.id)).toEqual([more.body.id, again.body.id, sent.body.id]);
  }, 150_000);

  it('when the same new rows are uploaded twice at the same moment, then both are answered 202 and each row is captured once', async () => {
    const leads = Array.from({ length: 40 }, (_, i) => ({ email: `twice-${i}@race.io`, firstName: `Twice${i}` }));
    const send = () => http(`${system.url}/api/leads/batch`, { body: { leads, source: 'events' } });
    const answers = await Promise.all([send(), send()]);
    expect(answers.map((answer) => answer.status)).toEqual([202, 202]);
    // One upload captured the rows; the other found them already imported (or lost the race and retried).
    const accepted = answers.map((answer) => answer.body.accepted as number).sort((a, b) => a - b);
    expect(accepted).toEqual([0, 40]);
    expect(answers.map((answer) => answer.body.alreadyImported as number).sort((a, b) => a - b)).toEqual([0, 40]);
    const capturing = answers.find((answer) => answer.body.accepted === 40)!;
    expect((await settled(system, capturing.headers.get('location')!)).progress).toMatchObject({
      total: 40,
      stored: 40,
      created: 40,
    });
    expect(await system.database.db.lead.count({ where: { email: { endsWith: '@race.io' } } })).toBe(40);
  }, 120_000);

  it('when a live capture arrives during a large import, then it reaches its journey ahead of the import rows', async () => {
    const leads = Array.from({ length: 150 }, (_, i) => ({ email: `queue-${i}@bulk.io`, source: 'events' }));
    const batch = await http(`${system.url}/api/leads/batch`, { body: { leads } });
    expect(batch.body).toMatchObject({ accepted: 150 });
    const live = await http(`${system.url}/api/leads?wait=accepted`, {
      body: { email: 'live@bulk.io', source: 'content' },
    });
    expect(live.status).toBe(202);
    expect(
      await eventually(
        async () => (await http(`${system.url}${live.headers.get('location')!}`)).body.state === 'stored',
      ),
    ).toBe(true);
    const progress = (await http(`${system.url}${batch.headers.get('location')!}`)).body;
    expect(progress.progress.pending).toBeGreaterThan(50);
    await settled(system, batch.headers.get('location')!, 120_000);
  }, 180_000);

  it('when a batch has more bad rows than an answer lists, then it lists the first 200 with the count, and the CSV has every one', async () => {
    const leads = [
      ...Array.from({ length: 250 }, (_, i) => ({ email: `bad-${i}.bulk.io`, firstName: `Bad${i}` })),
      { email: 'the-good-one@bulk.io', source: 'events' },
    ];
    const sent = await http(`${system.url}/api/leads/batch`, { body: { leads, source: 'events' } });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ received: 251, accepted: 1, rejected: 250, errorCount: 250 });
    expect(sent.body.errors).toHaveLength(200);
    expect(sent.body.errors.at(-1)).toMatchObject({ row: 199, field: 'email' });

    const csv = await fetch(`${system.url}/api/intake-batches/${sent.body.id}/errors.csv`, {
      headers: { authorization: `Bearer ${system.revopsToken}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('row,column,field,message');
    expect(lines).toHaveLength(251);
    expect(lines[250]).toMatch(/^249,,email,/);

    const elsewhere = await fetch(`${system.url}/api/intake-batches/00000000-0000-4000-8000-000000000000/errors.csv`, {
      headers: { authorization: `Bearer ${system.revopsToken}` },
    });
    expect(elsewhere.status).toBe(404);
    await settled(system, sent.headers.get('location')!);
  });

  it('when a batch is over the limit, then it is refused with 413 naming the limit, and nothing is captured', async () => {
    const before = await system.database.db.intakeSubmission.count();
    const leads = Array.from({ length: 5_001 }, (_, i) => ({ email: `over-${i}@bulk.io`, source: 'ads' }));
    const refused = await http(`${system.url}/api/leads/batch`, { body: { leads } });
    expect(refused.status).toBe(413);
    expect(refused.body.error).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('5000') });
    expect(await system.database.db.intakeSubmission.count()).toBe(before);
  });

  it('when an attendee list has Chinese headers and a bad row, then the row is named by file row and column, and the others become leads of the campaign', async () => {
    const csv = [
      '邮箱,姓,名,公司,职位,电话',
      'li.wei@expo.cn,李,伟,华为,CTO,+86 10 1234 5678',
      'not-an-email,王,芳,腾讯,VP,',
      'zhang.min@expo.cn,张,敏,阿里巴巴,Director,',
    ].join('\n');
    const sent = await csvPost(system, 'campaign=expo-shanghai&event=Shanghai%20Expo&fileName=expo.csv', csv);
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ kind: 'csv', source: 'events', campaign: 'expo-shanghai', fileName: 'expo.csv' });
    expect(sent.body).toMatchObject({ received: 3, accepted: 2, rejected: 1 });
    expect(sent.body.errors).toEqual([
      { row: 3, field: 'email', column: '邮箱', message: expect.stringMatching(/^row 3, column "邮箱": /) },
    ]);
    const progress = await settled(system, sent.headers.get('location')!);
    expect(progress.progress).toMatchObject({ stored: 2, created: 2, failed: 0 });
    const li = await leadByEmail('li.wei@expo.cn');
    expect(li).toMatchObject({ firstName: '伟', lastName: '李', company: '华为', title: 'CTO', source: 'events' });
    expect(li?.sourceDetails).toMatchObject({ campaign: 'expo-shanghai', event: 'Shanghai Expo' });

    const again = await csvPost(system, 'campaign=expo-shanghai&event=Shanghai%20Expo', csv);
    expect(again.body).toMatchObject({ accepted: 0, alreadyImported: 2, rejected: 1 });
  }, 120_000);

  it('when an attendee list has no email column, then nothing is captured and the 422 names the columns it has', async () => {
    const refused = await csvPost(system, 'campaign=x', 'who,where\nAna,Berlin\n');
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields[0]).toMatchObject({ path: 'columns.email', line: 1 });
    expect(refused.body.error.fields[0].message).toContain('who, where');
    const named = await csvPost(system, 'campaign=x&emailColumn=Mail', 'Mail,Name\nana@named.io,Ana Ruiz\n');
    expect(named.status).toBe(202);
    expect(named.body).toMatchObject({ accepted: 1, rejected: 0 });
  });
});

describe('leadflow import attendees', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem('sqlite');
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });

  it('when an attendee file is imported at the console with --follow, then bad rows are printed and it follows the progress to the end; again, nothing is captured twice', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-attendees-'));
    const file = path.join(dir, 'webinar.csv');
    writeFileSync(
      file,
      'Name,E-mail,Company,Country\nAna Ruiz,ana@webinar.io,Acme,ES\nBo Li,bo@webinar.io,Beta,Atlantis\nCy Ng,cy@webinar.io,Gamma,SG\n' +
        // Event platforms export the country's name: English or Chinese names become their codes.
        '王芳,wang.fang@webinar.io,Delta,中国\nDee Park,dee@webinar.io,Epsilon,United Kingdom\n',
    );
    const env = { DATABASE_URL: system.database.target.url, LEADFLOW_TENANT: system.config.tenant };
    const args = ['import', 'attendees', file, '--campaign', 'webinar-q3', '--follow', '--poll-ms', '200'];
    const first = await runLeadflow(args, env);
    expect(first.stderr).toContain('row 3, column "Country": must be a two-letter ISO 3166 country code');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('4 accepted, 0 already imported, 1 rejected');
    expect(first.stdout.trim().split('\n').at(-1)).toBe('progress: 4/4 stored, 0 pending, 0 failed');
    const ana = await system.database.db.lead.findFirst({ where: { email: 'ana@webinar.io' } });
    expect(ana).toMatchObject({ firstName: 'Ana', lastName: 'Ruiz', company: 'Acme', country: 'ES', source: 'events' });
    const byName = await system.database.db.lead.findMany({
      where: { email: { in: ['wang.fang@webinar.io', 'dee@webinar.io'] } },
      orderBy: { email: 'asc' },
    });
    expect(byName.map((lead) => lead.country)).toEqual(['GB', 'CN']);

    const again = await runLeadflow(args, env);
    expect(again.stdout).toContain('0 accepted, 4 already imported, 1 rejected');
    const usage = await runLeadflow(['import', 'attendees', file], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--campaign <key> is required');
  }, 120_000);
});

describe('bulk intake while Temporal is down', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('when Temporal goes away during an import, then no row is lost, the progress says why it waits, and every row is stored once Temporal is back', async () => {
    const logger = createLogger('silent');
    const port = await findFreePort();
    const start = () =>
      startDevServer({ binary: inject('temporalCliPath'), port, uiPort: null, namespace: 'default', logger });
    let server: DevServer = await start();
    cleanups.push(() => server.stop());
    const system = await startTestSystem('sqlite', { TEMPORAL_ADDRESS: server.address }, { temporalCallAttempts: 5 });
    cleanups.push(() => system.stop());

    await server.stop();
    const leads = Array.from({ length: 40 }, (_, i) => ({ email: `outage-${i}@bulk.io`, source: 'events' }));
    const sent = await http(`${system.url}/api/leads/batch`, { body: { leads } });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ accepted: 40, rejected: 0 });
    const location = sent.headers.get('location')!;
    const waiting = await eventually(
      async () => (await http(`${system.url}${location}`)).body.waiting !== null,
      60_000,
    );
    expect(waiting).toBe(true);
    const during = (await http(`${system.url}${location}`)).body;
    expect(during).toMatchObject({ done: false, waiting: { reason: expect.any(String), rows: expect.any(Number) } });
    expect(during.progress.pending).toBe(40);

    server = await start();
    const after = await settled(system, location, 120_000);
    expect(after).toMatchObject({ progress: { stored: 40, created: 40, failed: 0, pending: 0 }, waiting: null });
    expect(await system.database.db.lead.count({ where: { email: { startsWith: 'outage-' } } })).toBe(40);
  }, 240_000);
});
