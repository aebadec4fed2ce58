import { readFileSync } from 'node:fs';

/** What the dashboard page needs from the configuration. Nothing secret: it is served to anyone. */
export interface DashboardSettings {
  /** The Temporal web UI to link to, or null to show no link (a cluster whose UI is unknown). */
  temporalUiUrl: string | null;
}

const TEMPORAL_UI_LINK = '<a id="temporal-ui" hidden';

/**
 * The dashboard page (src/web/console.html) with its configured links filled in on the server, so
 * they are right before any script runs and need no API call (nor a token) to find out.
 */
export function renderDashboard(settings: DashboardSettings): string {
  const page = readFileSync(new URL('../web/console.html', import.meta.url), 'utf8');
  if (!page.includes(TEMPORAL_UI_LINK)) throw new Error(`src/web/console.html lost its "${TEMPORAL_UI_LINK}" link`);
  if (settings.temporalUiUrl === null) return page;
  return page.replace(TEMPORAL_UI_LINK, `<a id="temporal-ui" href="${escapeAttribute(settings.temporalUiUrl)}"`);
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
