/**
 * Links in emails to leadflow's own people open the workspace's pages, where they sign in and act;
 * a raw `/api/…` URL answers 401 in a browser (no token) and shows JSON at best. Pure.
 */

const base = (publicUrl: string) => publicUrl.replace(/\/+$/, '');

/** The workspace's page of one approval request (src/web/app; old `/#/approvals/<id>` links land there too). */
export function approvalDashboardUrl(publicUrl: string, requestId: string): string {
  return `${base(publicUrl)}/approvals/${encodeURIComponent(requestId)}`;
}

/** A lead's page in the workspace: `/leads/<id>`. */
export function leadPageUrl(publicUrl: string, leadId: string): string {
  return `${base(publicUrl)}/leads/${encodeURIComponent(leadId)}`;
}

/** A deal's page in the workspace: `/deals/<id>`. */
export function dealPageUrl(publicUrl: string, dealId: string): string {
  return `${base(publicUrl)}/deals/${encodeURIComponent(dealId)}`;
}
