/**
 * Links in emails to leadflow's own people open the dashboard, where they sign in and act; a raw
 * `/api/…` URL answers 401 in a browser (no token) and shows JSON at best. Pure.
 */

/** The workspace's page of one approval request (src/web/app; old `/#/approvals/<id>` links land there too). */
export function approvalDashboardUrl(publicUrl: string, requestId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/approvals/${encodeURIComponent(requestId)}`;
}
