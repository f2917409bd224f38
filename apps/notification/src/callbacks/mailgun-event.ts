import { z } from 'zod';
import { ValidationError } from '@bizosaas/ddd-kernel';
import type { MessageEvent } from '../messages/message-events.ts';
import type { CallbackReport } from './record-callback.ts';

/**
 * The fields of Mailgun's `event-data` this service reads; the rest is kept as received. Mailgun
 * adds fields over time, so unknown ones pass (the route's schema takes the object as a map).
 */
export const mailgunEventData = z.object({
  event: z.string().min(1).max(100),
  severity: z.string().optional(),
  recipient: z.string().min(1).max(2000),
  /** Seconds since the epoch, with a fraction. */
  timestamp: z.number().positive().max(253_402_300_799),
  'user-variables': z.record(z.string(), z.unknown()).optional(),
  'delivery-status': z
    .object({
      code: z.union([z.number(), z.string()]).optional(),
      message: z.string().optional(),
      description: z.string().optional(),
    })
    .optional(),
  url: z.string().optional(),
});

export type MailgunEventData = z.output<typeof mailgunEventData>;

/** The event's fields this service reads; ValidationError naming each bad one under `event-data`. */
export function parseMailgunEvent(value: unknown): MailgunEventData {
  const parsed = mailgunEventData.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    'The event data is not a Mailgun event',
    parsed.error.issues.map((issue) => ({
      path: ['event-data', ...issue.path.map(String)].join('.'),
      message: issue.message,
      location: 'body' as const,
    })),
  );
}

/** The message a webhook is about, from the variables the decorator attached; null when absent. */
export function mailgunTarget(data: MailgunEventData): { tenantId: string; messageId: string } | null {
  const target = z.object({ tenantId: z.uuid(), messageId: z.uuid() }).safeParse(data['user-variables'] ?? {});
  return target.success ? target.data : null;
}

function diagnosticOf(data: MailgunEventData): string {
  const status = data['delivery-status'];
  const text = [status?.code, status?.message || status?.description]
    .filter((part) => part !== undefined && part !== '')
    .join(' ');
  return (text || `${data.event} ${data.severity ?? ''}`.trim()).slice(0, 1000);
}

const isWebUrl = (url: string | undefined): url is string =>
  url !== undefined && URL.canParse(url) && /^https?:$/.test(new URL(url).protocol);

/**
 * What a Mailgun event means for its message (`provider`: the route's provider name):
 * delivered -> delivered; failed and permanent -> bounced (hard) and the address suppressed as
 * bounced; failed and temporary -> only the callback (the provider retries); complained ->
 * bounced (complaint) and the address suppressed as complained; opened, clicked -> those events.
 * Any other event is kept as a callback under its own name.
 */
export function mailgunReport(
  provider: string,
  data: MailgunEventData,
  payload: Record<string, unknown>,
): CallbackReport {
  const at = new Date(data.timestamp * 1000).toISOString();
  const report = (kind: string, events: MessageEvent[] = [], suppress?: CallbackReport['suppress']) => ({
    provider,
    kind,
    payload,
    events: () => events,
    ...(suppress && { suppress }),
  });
  switch (data.event) {
    case 'delivered':
      return report('delivered', [{ type: 'notification.delivered', data: { provider, at } }]);
    case 'failed':
      if (data.severity !== 'permanent') return report('failed');
      return report(
        'bounced',
        [{ type: 'notification.bounced', data: { provider, bounceType: 'hard', diagnostic: diagnosticOf(data), at } }],
        { address: data.recipient, reason: 'bounced' },
      );
    case 'complained':
      return report(
        'complained',
        [
          {
            type: 'notification.bounced',
            data: { provider, bounceType: 'complaint', diagnostic: 'the recipient reported the message as spam', at },
          },
        ],
        { address: data.recipient, reason: 'complained' },
      );
    case 'opened':
      return report('opened', [{ type: 'notification.opened', data: { provider, at } }]);
    case 'clicked':
      return report(
        'clicked',
        isWebUrl(data.url) ? [{ type: 'notification.clicked', data: { provider, at, url: data.url } }] : [],
      );
    default:
      return report(data.event);
  }
}
