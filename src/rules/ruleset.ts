/**
 * The compiled ruleset: plain, JSON-serialisable data, so a Temporal workflow can receive
 * it as an argument and evaluate it without parsing YAML or touching the file system.
 *
 * Conditions are stored exactly as json-rules-engine takes them (`{ all: [{ fact,
 * path, operator, value }] }`), so the same data feeds the engine (reference semantics,
 * baseline benchmark, differential tests) and the fast evaluator. Pure module.
 */
import type { Language } from '../domain/languages';
import type { Duration } from './duration';
import type { Behaviour, DealStage, LeadStage } from './facts';
import type { EngineOperator } from './operators';
import type { ApprovalsTest, ApproverRole, MEETING_REMINDER_RECIPIENTS } from './schema/approvals';
import type { PersonRole } from '../auth/actor';
import type { CadenceTest, HolidayPolicy } from './schema/cadences';
import type { LocalisedText, Weekday } from './schema/common';
import type { EscalationTest } from './schema/escalation';
import type { ForecastCategory, ForecastTest, OpenDealStage } from './schema/forecast';
import type { LabelLocale, LossReasonsTest, LossRequirement } from './schema/loss-reasons';
import type { RoutingTest } from './schema/routing';
import type { ScoringTest } from './schema/scoring';
import type { RuleKind } from './types';
import type { RuleLabels } from './labels';

export type Scalar = string | number | boolean;

/** A `tests:` case with the line it starts on, so a failure can point at it. */
export type WithLine<T> = T & { line: number };

/** A json-rules-engine fact condition: `fact` is the group, `path` the JSONPath inside it. */
export interface EngineFactCondition {
  fact: string;
  path?: string;
  operator: EngineOperator;
  value: Scalar | Scalar[];
}
export type EngineCondition = EngineFactCondition | { all: EngineCondition[] } | { any: EngineCondition[] } | { not: EngineCondition };
/** json-rules-engine requires a boolean operator at the top of every rule. */
export type EngineTopCondition = { all: EngineCondition[] } | { any: EngineCondition[] } | { not: EngineCondition };

/** A rule as json-rules-engine's `new Rule(...)` takes it, plus where it came from. */
export interface CompiledRule<P extends object = Record<string, never>> {
  name: string;
  conditions: EngineTopCondition;
  event: { type: string; params: P };
  /** 1-based line of the rule in its file, for "decided by routing.yaml:42". */
  line: number;
}

// ---- scoring ------------------------------------------------------------------------

export interface CompiledDecay { everyMs: number; every: string; lose: number; expireAfterMs: number | null; expireAfter: string | null }
export interface AttributePoints { group: string; tier: number; points: number; label: string }
export type MqlAction = { do: 'route' } | { do: 'notify'; who: 'owner' | 'owner-manager' | 'marketing' } | { do: 'enrol-cadence' };
export type DisqualifyOutcome = { then: 'nurture' } | { then: 'recycle'; after: Duration };

export interface CompiledScoring {
  /** What activating this version does to open journeys (`re-evaluate`): re-score them all, or not. */
  reevaluate: 'none' | 'in-flight';
  /** `tierLabels[t]`: tier t's label as written (one string or per language); `label` in its points is the English. */
  attributes: { name: string; tiers: CompiledRule<AttributePoints>[]; tierLabels?: (LocalisedText | null)[] }[];
  sources: CompiledRule<{ channel: string; points: number }>[];
  behaviours: Partial<Record<Behaviour, { points: number; cap: number | null; decay: CompiledDecay | null }>>;
  mql: { threshold: number; then: MqlAction[] };
  sql: CompiledRule;
  disqualification: Record<string, DisqualifyOutcome>;
  tests: WithLine<ScoringTest>[];
}

// ---- routing ------------------------------------------------------------------------

export type RoutingTargetRef = { type: 'pool'; pool: string } | { type: 'rep'; rep: string } | { type: 'queue'; queue: string };
export interface CompiledPool {
  name: string;
  strategy: 'round-robin' | 'weighted';
  members: { rep: string; email: string; weight: number }[];
  maxOpenLeads: number | null;
  skip: ('inactive' | 'out-of-office')[];
  overflow: RoutingTargetRef;
}
export interface CompiledRouting {
  reps: Record<string, { email: string; name: string | null }>;
  queues: string[];
  /** Who works each queue (emails, lower case): they see its leads. */
  queueMembers: Record<string, string[]>;
  pools: Record<string, CompiledPool>;
  rules: CompiledRule<{ target: RoutingTargetRef }>[];
  fallbackQueue: string;
  tests: WithLine<RoutingTest>[];
}

// ---- escalation ---------------------------------------------------------------------

/** A business calendar; `countries` are the ISO codes whose leads' cadences skip its holidays. */
export interface BusinessCalendar { name: string; timezone: string; days: Weekday[]; from: string; to: string; holidays: string[]; countries: string[] }
export type EscalationAction =
  | { do: 'remind-owner' } | { do: 'notify-owner' } | { do: 'notify-manager' }
  | { do: 'reassign'; pool: string | null } | { do: 'move-to-queue'; queue: string };
export type EscalationStep = EscalationAction & { after: Duration | null };
export type CalendarChoice = { type: 'owner'; fallback: string } | { type: 'named'; name: string };
export interface CompiledSla {
  name: string;
  starts: 'mql' | 'assigned' | 'sql' | 'reassigned';
  stops: 'first-touch' | 'meeting-booked' | 'qualified';
  within: Duration;
  calendar: CalendarChoice;
  overrides: CompiledRule<{ within: Duration; override: string }>[];
  onBreach: EscalationStep[];
}
export interface CompiledStalled {
  rule: CompiledRule<{ alert: string }>;
  stage: LeadStage | DealStage;
  after: Duration;
  calendar: CalendarChoice;
  then: EscalationStep[];
}
export interface CompiledEscalation {
  calendars: Record<string, BusinessCalendar>;
  defaultCalendar: string;
  slas: CompiledSla[];
  stalled: CompiledStalled[];
  tests: WithLine<EscalationTest>[];
}

// ---- cadences -----------------------------------------------------------------------

export interface SendWindow { days: Weekday[]; from: string; to: string }
export type CadenceStep =
  | { do: 'email'; after: Duration | null; template: string }
  | { do: 'call' | 'linkedin'; after: Duration | null; task: string; taskText?: Record<Language, string> };
export type StopCondition = 'reply' | 'meeting-booked' | 'unsubscribe' | 'bounce' | 'disqualified' | 'stage-change';
export interface CompiledCadence {
  name: string;
  sendWindow: SendWindow;
  /** `lead`: the send window skips the lead's public holidays; `none`: it sends on them. */
  holidayPolicy: HolidayPolicy;
  stopWhen: StopCondition[];
  steps: CadenceStep[];
}
/** One template's subject and body in one language. */
export interface TemplateText { subject: string; body: string }
export interface CompiledCadences {
  /**
   * Per template, its text in every language leadflow writes: a language the file gives no text
   * for holds the English text (the compiler warned), so sending never falls back on its own.
   */
  templates: Record<string, Record<Language, TemplateText>>;
  cadences: Record<string, CompiledCadence>;
  enrolment: CompiledRule<{ cadence: string }>[];
  tests: WithLine<CadenceTest>[];
}

// ---- approvals ----------------------------------------------------------------------

export interface ApprovalLevel { role: ApproverRole; deadline: Duration; remindAfter: Duration | null; onTimeout: 'escalate' | 'approve' | 'reject'; escalateTo: ApproverRole | null }
/** One step of a chain: one approver, or several deciding in parallel (all must approve). */
export interface ApprovalStep { mode: 'single' | 'parallel'; approvers: ApprovalLevel[] }
export interface ApprovalTier { name: string; chain: ApprovalStep[] }
/** Tax rates in parts per million (8.875% = 88 750) by region code ("US-NY", "US", "GB"); see `taxRateFor`. */
export interface CompiledTaxRates { rates: Record<string, number>; defaultRate: number }
/** `block`: an unmet criterion refuses the move; `warn`: the move goes ahead and `missing` becomes a warning. */
export type ExitSeverity = 'block' | 'warn';
/** Who a meeting reminder goes to (approvals.yaml `meetings.remind`). */
export type MeetingReminderRecipient = (typeof MEETING_REMINDER_RECIPIENTS)[number];
export interface CompiledApprovals {
  tiers: CompiledRule<{ tier: string }>[];
  chains: Record<string, ApprovalStep[]>;
  delegation: { whenOutOfOffice: 'delegate' | 'escalate'; delegateTo: 'named-delegate' | 'own-manager'; allowManual: boolean; delegateNeeds: 'same-or-higher-role' | 'any-role' };
  quoteValidFor: Duration;
  /** Empty rates and a 0% default when approvals.yaml has no `quotes.taxRates`. */
  taxRates: CompiledTaxRates;
  /** Roles whose unit prices below list are judged as list prices (approvals.yaml `priceOverrides.withoutApproval`); empty by default. */
  priceOverridesWithoutApproval: PersonRole[];
  renewalRemindBefore: Duration[];
  /** Calendar durations before a meeting's start, longest first; empty without `meetings:`. */
  meetingReminders: Duration[];
  /** Who gets each meeting reminder (approvals.yaml `meetings.remind`); [owner] without it. */
  meetingRemind: MeetingReminderRecipient[];
  /** The cadences.yaml cadence a contact is enrolled in after a demo is held; null: no follow-up. */
  demoFollowUpCadence: string | null;
  /** `missing` is the criterion's English text (what outcomes, tests and API clients read). */
  stageExit: Partial<Record<DealStage, CompiledRule<{ missing: string; severity: ExitSeverity }>[]>>;
  /** Each stage's exit-criterion texts by their English text, as written (one string or per language). */
  stageExitTexts: Partial<Record<DealStage, Record<string, LocalisedText>>>;
  tests: WithLine<ApprovalsTest>[];
}

// ---- forecast -----------------------------------------------------------------------

export interface CompiledForecast {
  probabilities: Record<OpenDealStage, number>;
  categories: CompiledRule<{ category: ForecastCategory }>[];
  otherwise: ForecastCategory;
  overrides: { allowed: boolean; needsReason: boolean };
  tests: WithLine<ForecastTest>[];
}

// ---- loss reasons -------------------------------------------------------------------

export interface CompiledLossReason {
  code: string;
  label: Record<LabelLocale, string>;
  requires: LossRequirement[];
  retired: boolean;
}
export interface CompiledLossReasons {
  /** By code, in the file's order. */
  reasons: Record<string, CompiledLossReason>;
  fallback: string;
  tests: WithLine<LossReasonsTest>[];
}

// ---- the whole ruleset --------------------------------------------------------------

export interface CompiledRules {
  scoring: CompiledScoring;
  routing: CompiledRouting;
  escalation: CompiledEscalation;
  cadences: CompiledCadences;
  approvals: CompiledApprovals;
  /** Null only in a version stored before forecast.yaml existed (see LATER_KINDS). */
  forecast: CompiledForecast | null;
  /** Null only in a version stored before loss-reasons.yaml existed (see LATER_KINDS). */
  lossReasons: CompiledLossReasons | null;
}

export interface RuleFileInfo { kind: RuleKind; fileName: string; hash: string; pinned: boolean }

/**
 * One activated (or activatable) version of all the files. `version` is a content hash
 * over every file, so equal texts always give the same version and any decision can be
 * traced back to the exact text in the version store.
 */
export interface Ruleset extends CompiledRules {
  version: string;
  /** True when any file says `pin: true`: journeys started under it keep this version. */
  pinned: boolean;
  /** Every kind's file; a version stored before LATER_KINDS existed lacks theirs. */
  files: Partial<Record<RuleKind, RuleFileInfo>>;
  /** Exact file texts by file name, as hashed and as stored. */
  texts: Record<string, string>;
  /** What people see for the tiers, cadences, pools, queues, SLAs… the files label (`label: { en, zh-CN }`). */
  labels: RuleLabels;
}
