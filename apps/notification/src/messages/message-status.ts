import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';

/** The read model's status of a message: where its event stream has brought it. */
export type MessageStatus =
  | 'requested'
  | 'suppressed'
  | 'scheduled'
  | 'digested'
  | 'sent'
  | 'delivered'
  | 'opened'
  | 'clicked'
  | 'bounced'
  | 'failed';

export type MessageEventType =
  | 'notification.requested'
  | 'notification.suppressed'
  | 'notification.scheduled'
  | 'notification.sent'
  | 'notification.delivered'
  | 'notification.opened'
  | 'notification.clicked'
  | 'notification.bounced'
  | 'notification.failed';

// How far a sent message got; reports may arrive out of order (an open before the delivery
// receipt), and the status keeps the furthest.
const progress: Partial<Record<MessageStatus, number>> = { sent: 1, delivered: 2, opened: 3, clicked: 4 };

/**
 * The status after `event` (what `evolve` does to the read model), or `null` when the event adds
 * nothing (a second open, a delivery receipt after the open): the caller then records no event.
 * An event the message's lifecycle does not allow throws BusinessRuleViolation naming the status.
 *
 * requested -> suppressed | scheduled (| digested, a digest item) -> sent -> delivered / opened /
 * clicked / bounced; scheduled -> failed (retries ran out) or suppressed (cancelled, or the address
 * bounced meanwhile); a provider may report a sent message failed or bounced later.
 */
export function nextStatus(
  current: MessageStatus | null,
  event: MessageEventType,
  options: { digestItem?: boolean } = {},
): MessageStatus | null {
  const refuse = (): never => {
    throw new BusinessRuleViolation('message_lifecycle', `A ${current ?? 'new'} message cannot record ${event}`, {
      currentStatus: current,
      event,
    });
  };
  switch (event) {
    case 'notification.requested':
      return current === null ? 'requested' : refuse();
    case 'notification.suppressed':
      return current === 'requested' || current === 'scheduled' || current === 'digested' ? 'suppressed' : refuse();
    case 'notification.scheduled':
      if (current === 'requested') return options.digestItem ? 'digested' : 'scheduled';
      // A message put off again (quiet hours began before it went out).
      return current === 'scheduled' ? 'scheduled' : refuse();
    case 'notification.sent':
      return current === 'scheduled' ? 'sent' : refuse();
    case 'notification.failed':
      return current === 'scheduled' || current === 'sent' ? 'failed' : refuse();
    case 'notification.bounced':
      if (current === 'bounced') return null;
      return current !== null && (progress[current] ?? 0) > 0 ? 'bounced' : refuse();
    case 'notification.delivered':
    case 'notification.opened':
    case 'notification.clicked': {
      const reached =
        event === 'notification.delivered' ? 'delivered' : event === 'notification.opened' ? 'opened' : 'clicked';
      if (current === 'bounced' || current === 'failed') return null;
      const at = current === null ? undefined : progress[current];
      if (at === undefined) return refuse();
      // Every click is a fact worth keeping; a repeated open or a late receipt is not.
      if (reached === 'clicked') return 'clicked';
      return at >= (progress[reached] ?? 0) ? null : reached;
    }
  }
}
