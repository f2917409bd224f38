import { refuseFutureFacts } from '@bizosaas/ddd-kernel';
import type { CrmNotification, CrmProvider } from './crm-change.ts';

const hasPayload = (body: unknown) => {
  const detail = typeof body === 'object' && body !== null ? (body as { detail?: unknown }).detail : undefined;
  return typeof detail === 'object' && detail !== null && 'payload' in detail;
};

/** Where each provider's body says when the change was made, so a refusal names the field the sender wrote. */
const CHANGE_TIME_PATH: Readonly<Record<CrmProvider, (body: unknown, index: number) => string>> = {
  // Event Relay nests the change event under detail.payload; AppFlow puts it in detail.
  salesforce: (body) => `${hasPayload(body) ? 'detail.payload' : 'detail'}.ChangeEventHeader.commitTimestamp`,
  hubspot: (_body, index) => `${index}.occurredAt`,
  pipedrive: () => 'meta.timestamp',
};

/**
 * A change the CRM says it made later than now plus the clock skew is refused (400 naming the
 * field) before anything is stored: it would date the log and everything it leads to.
 */
export function refuseFutureNotifications(provider: CrmProvider, body: unknown, notifications: readonly CrmNotification[], now: Date, clockSkewMs: number): void {
  const instants = Object.fromEntries(notifications.map((n, index) => [CHANGE_TIME_PATH[provider](body, index), n.occurredAt]));
  refuseFutureFacts(instants, now, clockSkewMs);
}
