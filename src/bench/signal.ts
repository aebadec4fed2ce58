/**
 * Buying signal to owner (`npm run bench -- signal --leads=20`): on a fresh `leadflow start`
 * (embedded dev server, SQLite, embedded SMTP server), one lead at a time, idle otherwise: a lead
 * is captured below the MQL threshold (stored), then `POST /api/leads/{id}/events` with a pricing
 * page visit takes it over. Measured from just before that POST:
 *
 * - owner assigned: when the lead's row first shows its owner (read every 10 ms);
 * - owner notified: when the owner's email was accepted by the SMTP server (its `sentAt`);
 * - the POST's own answer.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDb } from '../db/client';
import { resolveDatabaseTarget } from '../db/database-target';
import { launchLeadflow } from './intake';
import { percentile } from './percentile';

const profile = (email: string) => ({
  email,
  firstName: 'Ada',
  company: 'Analytical Engines',
  title: 'VP Sales',
  source: 'events',
  attributes: { employees: 1200, region: 'north-america', industry: 'software' },
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function benchSignal(options: { leads: number }): Promise<number> {
  const leadflow = await launchLeadflow(path.resolve(import.meta.dirname, '..', '..'));
  const db = createDb(resolveDatabaseTarget(undefined, leadflow.dir));
  const post = async (url: string, body: unknown) => {
    const response = await fetch(`${leadflow.url}${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${leadflow.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const assigned: number[] = [];
  const notified: number[] = [];
  const answered: number[] = [];
  const load = () =>
    os
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(' ');
  const loadBefore = load();
  try {
    for (let i = -2; i < options.leads; i++) {
      // Two warm-up leads (i < 0) load the workflow code and the rules; they are not counted.
      const captured = await post('/api/leads?wait=stored', profile(`signal${i + 2}@bench.example`));
      if (captured.status !== 201)
        throw new Error(`capture answered ${captured.status}: ${JSON.stringify(captured.body)}`);
      const leadId = String(captured.body.id);
      const before = await db.lead.findUniqueOrThrow({ where: { id: leadId }, select: { ownerId: true, stage: true } });
      if (before.ownerId !== null || before.stage === 'mql')
        throw new Error(`lead ${leadId} is already ${before.stage} with an owner before the signal`);
      await pause(300);
      const startedAt = Date.now();
      const started = performance.now();
      let ownerAt: number | undefined;
      let polling = true;
      const poller = (async () => {
        while (polling && ownerAt === undefined) {
          const row = await db.lead.findUniqueOrThrow({ where: { id: leadId }, select: { ownerId: true } });
          if (row.ownerId !== null) ownerAt = performance.now() - started;
          else await pause(10);
        }
      })();
      const visit = await post(`/api/leads/${leadId}/events`, { type: 'pricing-page-visit' });
      const answeredAfter = performance.now() - started;
      if (visit.status !== 201) throw new Error(`event answered ${visit.status}: ${JSON.stringify(visit.body)}`);
      let sentAt: Date | null = null;
      for (let waited = 0; sentAt === null && waited < 15_000; waited += 20) {
        // The owner is the rep's email; one lead at a time, so the owner's first email since the POST is this one.
        const lead = await db.lead.findUniqueOrThrow({ where: { id: leadId }, select: { ownerId: true } });
        const email = lead.ownerId
          ? await db.outboundEmail.findFirst({
              where: { toAddress: lead.ownerId, createdAt: { gte: new Date(startedAt) }, sentAt: { not: null } },
              select: { sentAt: true },
            })
          : null;
        sentAt = email?.sentAt ?? null;
        if (sentAt === null) await pause(20);
      }
      polling = false;
      await poller;
      if (i < 0) continue;
      if (ownerAt === undefined || sentAt === null)
        throw new Error(`lead ${leadId}: no owner or no owner email in 15 s`);
      assigned.push(ownerAt);
      notified.push(sentAt.getTime() - startedAt);
      answered.push(answeredAfter);
    }
    const line = (label: string, values: number[]) =>
      `${label.padEnd(36)} p50 ${percentile(values, 0.5).toFixed(0)} ms  p95 ${percentile(values, 0.95).toFixed(0)} ms  max ${Math.max(...values).toFixed(0)} ms`;
    console.log(
      `\nleadflow buying signal to owner (${options.leads} leads, one at a time, leadflow start on SQLite; load average ${loadBefore} before, ${load()} after)\n`,
    );
    console.log(line('owner assigned (lead row)', assigned));
    console.log(line('owner notified (email sent via SMTP)', notified));
    console.log(line('POST /api/leads/{id}/events answered', answered));
    console.log(
      `\ngoal: owner assigned p95 under 1 s when idle: ${percentile(assigned, 0.95) < 1000 ? 'met' : 'NOT met'}`,
    );
    return 0;
  } finally {
    await db.$disconnect();
    await leadflow.stop();
  }
}
