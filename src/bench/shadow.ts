/**
 * `npm run bench -- shadow --decisions=2000`: what a running shadow adds to each live scoring
 * decision. In a fresh SQLite database with N leads, it times the live part the scoring activity
 * does (evaluate with the live rules, store the Decision row, update the lead's score) and then
 * the shadow's part (src/usecases/shadow-evaluation.ts: find the running shadow, evaluate the
 * candidate, whose compiled version is cached, and store the evaluation), per decision, for a
 * candidate whose MQL threshold is 75 instead of 80.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDb, type Prisma } from '../db/client';
import { resolveDatabaseTarget } from '../db/database-target';
import { applyMigrations } from '../db/migrate';
import { leadFacts } from '../domain/lead-facts';
import { seededRandom } from '../domain/seeded-random';
import { evaluateScoring } from '../rules/evaluate-scoring';
import { loadRulesetFromTexts } from '../rules/load';
import { readRuleTexts } from '../rules/load-dir';
import type { Ruleset } from '../rules/ruleset';
import { evaluateShadow } from '../usecases/shadow-evaluation';

const TENANT = 'bench-shadow';
const AT = new Date('2025-03-05T09:00:00Z');

export async function benchShadow(options: { decisions: number }): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-bench-shadow-'));
  try {
    const target = resolveDatabaseTarget(`file:${path.join(dir, 'bench.db')}`, dir);
    await applyMigrations(target);
    const db = createDb(target);
    const texts = await readRuleTexts(path.join(import.meta.dirname, '..', '..', 'rules'));
    const load = (files: Record<string, string>): Ruleset => {
      const loaded = loadRulesetFromTexts(files, { tests: false });
      if (!loaded.ok) throw new Error('bench: the rules do not load');
      return loaded.ruleset;
    };
    const live = load(texts);
    const candidate = load({
      ...texts,
      'scoring.yaml': texts['scoring.yaml']!.replace('threshold: 80', 'threshold: 75'),
    });
    await db.ruleVersion.create({ data: { hash: candidate.version, files: candidate.texts } });
    await db.ruleShadow.create({
      data: {
        id: 'sh_bench',
        tenant: TENANT,
        versionHash: candidate.version,
        startedBy: 'bench',
        startedAt: AT,
        reason: 'bench',
        activeKey: TENANT,
      },
    });
    const random = seededRandom(7);
    const n = options.decisions;
    const leads: Prisma.LeadCreateManyInput[] = Array.from({ length: n }, (_, i) => ({
      id: `bsl_${i}`,
      tenant: TENANT,
      email: `lead${i}@bench.example`,
      source: 'ads',
      sourceDetails: {},
      attributes: {},
      journeyId: `journey-${i}`,
    }));
    await db.lead.createMany({ data: leads });
    const factsOf = (i: number) =>
      leadFacts({
        profile: {
          email: `lead${i}@bench.example`,
          title: random() < 0.5 ? 'VP Marketing' : 'Analyst',
          country: 'US',
          source: 'ads',
          sourceDetails: {},
          attributes: { employees: random() < 0.5 ? 1200 : 120, industry: 'software' },
        },
        stage: 'new',
        score: 0,
        behaviours: Array.from({ length: Math.floor(random() * 4) }, () => ({
          type: 'email-click' as const,
          at: AT.toISOString(),
        })),
      });
    const facts = Array.from({ length: n }, (_, i) => factsOf(i));
    const decisions = [];
    let started = performance.now();
    for (let i = 0; i < n; i++) {
      const decision = evaluateScoring(live, facts[i]!, AT);
      await db.decision.create({
        data: {
          id: `d_${i}`,
          leadId: `bsl_${i}`,
          kind: 'scoring',
          outcome: decision.outcome as unknown as Prisma.InputJsonValue,
          explanation: decision.explanation as unknown as Prisma.InputJsonValue,
          facts: facts[i]!,
          rulesetVersion: live.version,
          decidedAt: AT,
          idempotencyKey: `d_${i}`,
        },
      });
      await db.lead.update({ where: { id: `bsl_${i}` }, data: { score: decision.outcome.score } });
      decisions.push(decision);
    }
    const liveMs = (performance.now() - started) / n;
    const version = (hash: string) => Promise.resolve(hash === candidate.version ? candidate : null);
    started = performance.now();
    let differing = 0;
    for (let i = 0; i < n; i++) {
      const result = await evaluateShadow(
        { db, version },
        { kind: 'scoring', decisionId: `d_${i}`, leadId: `bsl_${i}`, at: AT, facts: facts[i]!, live: decisions[i]! },
      );
      if (result === 'differs') differing++;
    }
    const shadowMs = (performance.now() - started) / n;
    await db.$disconnect();
    console.log(`\nShadow: ${n} live scoring decisions (SQLite), shadow threshold 80 → 75, ${differing} differ`);
    console.log(`  live decision (evaluate, store, update the lead): ${liveMs.toFixed(3)} ms each`);
    console.log(
      `  shadow's part (find the shadow, evaluate, store the evaluation): ${shadowMs.toFixed(3)} ms each (+${((shadowMs / liveMs) * 100).toFixed(0)}%)`,
    );
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
