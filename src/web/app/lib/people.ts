/**
 * People are shown by name where the tenant has one (GET /api/reps, read once per page load), by
 * email otherwise: "Alice Chen" rather than alice.chen@example.com on the lead page, the board,
 * approvals and timelines.
 */
import { signal } from '@preact/signals';
import { api } from './api';

const names = signal<ReadonlyMap<string, string>>(new Map());
let asked = false;

/** The person's name, or the email itself while the names load or when there is none. */
export function nameOf(email: string): string {
  if (!asked) {
    asked = true;
    api<{ reps: { email: string; name: string | null }[] }>('/api/reps')
      .then((answer) => {
        names.value = new Map(answer.reps.flatMap((p) => (p.name ? [[p.email, p.name] as const] : [])));
      })
      // Without the list (signed out, refused) people stay shown by email; the next page load asks again.
      .catch(() => {
        asked = false;
      });
  }
  return names.value.get(email) ?? email;
}
