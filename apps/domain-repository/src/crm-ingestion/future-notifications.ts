import { refuseFutureFacts } from '@bizosaas/ddd-kernel';
import type { CrmNotification } from './crm-change.ts';

/**
 * A change the CRM says it made later than now plus the clock skew is refused (400 naming the
 * provider's own field) before anything is stored: it would date the log and everything it leads to.
 */
export function refuseFutureNotifications(
  notifications: readonly CrmNotification[],
  now: Date,
  clockSkewMs: number,
): void {
  refuseFutureFacts(Object.fromEntries(notifications.map((n) => [n.occurredAtField, n.occurredAt])), now, clockSkewMs);
}
