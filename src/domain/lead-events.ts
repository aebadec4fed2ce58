/**
 * What can happen to a lead after capture. Behaviour events (scored by scoring.yaml) and
 * sales activity (touches by the owner) share one timeline. Pure.
 */
import { BEHAVIOURS, type Behaviour } from '../rules/facts';

/** Events that are not scored behaviours: sales activity and mail-delivery outcomes. */
export const ACTIVITY_EVENTS = ['call-logged', 'email-sent', 'note', 'unsubscribe', 'bounce'] as const;

export const LEAD_EVENT_TYPES = [...BEHAVIOURS, ...ACTIVITY_EVENTS] as const;
export type LeadEventType = (typeof LEAD_EVENT_TYPES)[number];

/** A logged touch by the owner: the first one meets the first-touch SLA and stops its escalation. */
export const TOUCH_EVENTS: readonly LeadEventType[] = ['call-logged', 'email-sent', 'meeting-booked'];

/** Events that stop a running follow-up cadence, and the stop condition they satisfy. */
export const CADENCE_STOPPERS: Partial<Record<LeadEventType, 'reply' | 'meeting-booked' | 'unsubscribe' | 'bounce'>> = {
  'email-reply': 'reply',
  'meeting-booked': 'meeting-booked',
  unsubscribe: 'unsubscribe',
  bounce: 'bounce',
};

export interface LeadEvent {
  eventId: string;
  type: LeadEventType;
  /** ISO-8601 time the event happened (defaults to when it was received). */
  at: string;
  /** Who did it: a rep's email for sales activity, absent for the lead's own behaviour. */
  actor?: string;
  details: Record<string, string | number | boolean>;
}

export function isBehaviour(type: LeadEventType): type is Behaviour {
  return (BEHAVIOURS as readonly string[]).includes(type);
}
