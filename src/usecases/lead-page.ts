/**
 * What a lead's page shows beside the stored record: the score as readable items, the cadence
 * with its next step, and the first-touch SLA clock with its escalation level.
 */
import type { Db } from '../db/client';
import { cadenceStepTitle, worded, type Worded } from '../domain/reason-codes';
import { getCadence } from '../rules/evaluate';
import { getTemplate } from '../rules/evaluate-cadences';
import { renderEmail } from '../domain/email-template';
import { leadPersonalisation, ownerNameOf } from '../email/lead-personalisation';
import { languageOf } from '../domain/languages';
import type { JourneyState } from '../../workflows/messages';
import { BEHAVIOURS } from '../rules/facts';
import type { ScoringOutcome } from '../rules/evaluate-scoring';
import type { RuleRegistry } from '../rules/registry';
import { scoreItems, type ScoreItem } from '../rules/score-items';

export interface ScoreBreakdownView {
  score: number;
  threshold: number;
  mql: boolean;
  /** When the score was computed (the latest scoring decision; decay re-scores on its own timer). */
  scoredAt: string;
  rulesetVersion: string;
  nextDecayAt: string | null;
  items: ScoreItem[];
}

export interface CadenceView {
  cadence: string;
  status: 'active' | 'paused' | 'completed' | 'stopped';
  /** Steps done so far (0 before the first). */
  stepIndex: number;
  nextStep: string | null;
  /**
   * The next step as a code for a client to word: `cadence-email` with its template, or
   * `cadence-step` with the task's text per language (found in the live rules by its English
   * text); null when there is none or the live rules no longer have that step.
   */
  nextStepText: Worded | null;
  nextStepAt: string | null;
  enrolledAt: string;
  stoppedReason: string | null;
}

export interface SlaClockView {
  /** The SLA's name (`mql-first-touch`) from the live journey; null when it is not reachable. */
  name: string | null;
  status: 'none' | 'running' | 'met' | 'breached';
  dueAt: string | null;
  firstTouchAt: string | null;
  breached: boolean;
  /** Escalation steps taken (0 before the deadline); null when the journey is not reachable. */
  escalationLevel: number | null;
  /** The steps taken, in order ("remind-owner", "reassign", …); null when the journey is not reachable. */
  escalations: string[] | null;
}

export interface LeadPageExtras {
  scoreBreakdown: ScoreBreakdownView | null;
  cadence: CadenceView | null;
  slaClock: SlaClockView;
}

interface StoredLead {
  id: string;
  tenant: string;
  slaStatus: string;
  slaDueAt: Date | null;
  firstTouchAt: Date | null;
  /** For the subject of the next cadence email, as the lead will get it (absent: fallbacks). */
  firstName?: string | null;
  lastName?: string | null;
  title?: string | null;
  company?: string | null;
  language?: string | null;
  ownerId?: string | null;
  sourceDetails?: unknown;
}

/** The page's extras for a stored lead and its live journey state (when Temporal answered). */
export async function leadPageExtras(
  deps: { db: Db; registry?: RuleRegistry },
  lead: StoredLead,
  live: JourneyState | null,
): Promise<LeadPageExtras> {
  const [scoreBreakdown, cadence] = await Promise.all([scoreBreakdownOf(deps, lead.id), cadenceOf(deps, lead)]);
  const status = lead.slaStatus as SlaClockView['status'];
  return {
    scoreBreakdown,
    cadence,
    slaClock: {
      name: live?.sla?.name ?? null,
      status,
      dueAt: lead.slaDueAt?.toISOString() ?? null,
      firstTouchAt: lead.firstTouchAt?.toISOString() ?? null,
      breached: status === 'breached',
      escalationLevel: live ? (live.sla?.escalations.length ?? 0) : null,
      escalations: live ? [...(live.sla?.escalations ?? [])] : null,
    },
  };
}

async function scoreBreakdownOf(deps: { db: Db; registry?: RuleRegistry }, leadId: string) {
  const decision = await deps.db.decision.findFirst({
    where: { leadId, kind: 'scoring' },
    orderBy: [{ decidedAt: 'desc' }, { id: 'desc' }],
  });
  if (!decision) return null;
  const outcome = decision.outcome as unknown as ScoringOutcome;
  const [ruleset, events] = await Promise.all([
    deps.registry?.getVersion(decision.rulesetVersion).catch(() => null) ?? null,
    deps.db.interaction.findMany({
      where: { leadId, kind: { in: [...BEHAVIOURS] }, occurredAt: { lte: decision.decidedAt } },
      select: { kind: true, occurredAt: true },
    }),
  ]);
  return {
    score: outcome.score,
    threshold: outcome.threshold,
    mql: outcome.mql,
    scoredAt: decision.decidedAt.toISOString(),
    rulesetVersion: decision.rulesetVersion,
    nextDecayAt: outcome.nextDecayAt,
    items: scoreItems(
      outcome.breakdown,
      ruleset?.scoring ?? null,
      events.map((event) => ({ type: event.kind, at: event.occurredAt })),
      decision.decidedAt,
    ),
  };
}

/** The enrolment that runs (active or paused), else the latest one. */
async function cadenceOf(deps: { db: Db; registry?: RuleRegistry }, lead: StoredLead): Promise<CadenceView | null> {
  const enrolments = await deps.db.cadenceEnrolment.findMany({
    where: { leadId: lead.id },
    orderBy: { enrolledAt: 'desc' },
  });
  const current = enrolments.find((row) => row.status === 'active' || row.status === 'paused') ?? enrolments[0];
  if (!current) return null;
  return {
    cadence: current.cadence,
    status: current.status as CadenceView['status'],
    stepIndex: current.stepIndex,
    nextStep: current.nextStepName,
    nextStepText: current.nextStepName
      ? await nextStepText(deps.db, deps.registry, current.cadence, current.nextStepName, lead)
      : null,
    nextStepAt: current.nextStepAt?.toISOString() ?? null,
    enrolledAt: current.enrolledAt.toISOString(),
    stoppedReason: current.stoppedReason,
  };
}

/**
 * "email mql-intro" or "call task: Intro call; …" (as the cadence workflow names it) as a code. An
 * email names its template and, when the live rules have it, the subject the lead will get (in the
 * lead's language, filled in as the cadence activity fills it: src/email/lead-personalisation.ts).
 */
async function nextStepText(
  db: Db,
  registry: RuleRegistry | undefined,
  cadence: string,
  name: string,
  lead: StoredLead,
): Promise<Worded | null> {
  const email = /^email (\S+)$/.exec(name);
  if (email) {
    const language = languageOf(lead.language);
    const rules = registry?.activeOrNull() ?? null;
    const template = rules ? getTemplate(rules, email[1]!, language) : undefined;
    const subject = template
      ? renderEmail(template, leadPersonalisation(lead, await ownerNameOf(db, rules, lead), ''), language).subject
      : null;
    return worded('cadence-email', { cadence, template: email[1]!, subject });
  }
  const task = /^(call|linkedin) task: (.+)$/s.exec(name);
  const rules = registry?.activeOrNull();
  const steps = task && rules ? (getCadence(rules, cadence)?.steps ?? []) : [];
  const index = steps.findIndex((step) => step.do !== 'email' && step.do === task?.[1] && step.task === task[2]);
  const step = steps[index];
  return step && step.do !== 'email' ? cadenceStepTitle(cadence, index, step.taskText) : null;
}
