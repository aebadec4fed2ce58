/** GET /api/rules/shadows and /api/rules/shadows/{id} as the rules page reads them (src/api/rules-shadow-routes.ts). */

export interface Shadow {
  id: string;
  status: 'running' | 'ended';
  versionHash: string;
  liveVersion: string | null;
  startedBy: string;
  startedAt: string;
  reason: string;
  endedAt: string | null;
  endedBy: string | null;
  endReason: string | null;
  evaluations: number;
  differences: number;
}

export interface ShadowList {
  running: Shadow | null;
  shadows: Shadow[];
}

interface LiveShadow {
  live: number;
  shadow: number;
}

export interface ShadowChange {
  id: string;
  kind: string;
  leadId: string;
  lead: string;
  at: string;
  live: string;
  shadow: string;
  flipped: string;
  diff: string[];
}

export interface ShadowReportData {
  shadow: Shadow;
  byKind: { kind: string; evaluations: number; differences: number }[];
  scoring: { leads: number; mqls: LiveShadow; mqlOnlyUnderShadow: number; mqlOnlyLive: number };
  routing: { byTarget: (LiveShadow & { target: string })[] };
  approvals: { byTier: (LiveShadow & { tier: string })[] };
  changed: { items: ShadowChange[]; nextCursor: string | null };
}
