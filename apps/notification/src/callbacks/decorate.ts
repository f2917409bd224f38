import type { OutgoingMessage } from '../channels/channel.ts';
import type { NotificationContext } from '../context.ts';
import type { QueuedMessage } from '../dispatch/prepare-send.ts';
import { trackingLinkPayload, unsubscribeLinkPayload } from '../links/link-payload.ts';
import { unsubscribeUrl, type LinkSigner } from '../links/link-signer.ts';
import { listUnsubscribeHeaders } from '../preferences/unsubscribe.routes.ts';
import { appendToBody, MAX_TOKEN_LENGTH, openPixel, rewriteLinks, trackingUrl } from './tracked-html.ts';

export type MessageDecorator = (message: QueuedMessage, outgoing: OutgoingMessage) => Promise<OutgoingMessage>;

export interface DecoratorOptions {
  /** Open pixel and click-tracked links in emails (EMAIL_TRACKING). */
  tracking: boolean;
}

/** The path of the SMS status callback route; its query names the message (tenantId, messageId). */
export const SMS_STATUS_CALLBACK_PATH = '/api/v1/notifications/callbacks/sms/twilio';

/** Where Twilio reports the message's delivery: the exact URL its signature will cover. */
export function smsStatusCallbackUrl(baseUrl: string, target: { tenantId: string; messageId: string }): string {
  const query = new URLSearchParams({ tenantId: target.tenantId, messageId: target.messageId });
  return `${baseUrl.replace(/\/+$/, '')}${SMS_STATUS_CALLBACK_PATH}?${query.toString()}`;
}

/**
 * What the dispatcher adds to a message about to go out (its `decorate` option). Email: the
 * RFC 8058 one-click `List-Unsubscribe` headers (not on critical messages: they go out whatever
 * the recipient chose), `X-Mailgun-Variables` naming the tenant and message (Mailgun returns them
 * in every webhook as `user-variables`), and with tracking an open pixel and every http(s) link
 * led through the signed click route. SMS: the status callback URL. Push and in-app go unchanged.
 */
export function createMessageDecorator(
  ctx: Pick<NotificationContext, 'config'>,
  signer: LinkSigner,
  options: DecoratorOptions,
): MessageDecorator {
  const base = ctx.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
  const ownLinks = `${base}/api/v1/notifications/`;

  async function unsubscribeHeaders(message: QueuedMessage): Promise<Record<string, string>> {
    const link = unsubscribeLinkPayload.safeParse({
      t: 'unsub',
      tenantId: message.tenantId,
      ...(message.userId ? { userId: message.userId } : { address: message.address ?? undefined }),
      channel: 'email',
      category: message.category,
      messageId: message.id,
    });
    return link.success ? listUnsubscribeHeaders(unsubscribeUrl(base, await signer.sign(link.data))) : {};
  }

  async function tracked(message: QueuedMessage, html: string): Promise<string> {
    const target = { tenantId: message.tenantId, messageId: message.id };
    const linked = await rewriteLinks(html, async (url) => {
      // The unsubscribe link and tracking links of this service stay as they are.
      if (url.startsWith(ownLinks)) return null;
      const click = trackingLinkPayload.safeParse({ t: 'click', ...target, url });
      if (!click.success) return null;
      // A link too long for one path segment goes out untracked rather than broken.
      const token = await signer.sign(click.data);
      return token.length <= MAX_TOKEN_LENGTH ? trackingUrl(base, 'click', token) : null;
    });
    const open = trackingUrl(base, 'open', await signer.sign({ t: 'open', ...target }));
    return appendToBody(linked, openPixel(open));
  }

  return async (message, outgoing) => {
    if (message.channel === 'sms')
      return {
        ...outgoing,
        statusCallbackUrl: smsStatusCallbackUrl(base, { tenantId: message.tenantId, messageId: message.id }),
      };
    if (message.channel !== 'email') return outgoing;
    const headers = {
      ...outgoing.headers,
      ...(message.critical ? {} : await unsubscribeHeaders(message)),
      'X-Mailgun-Variables': JSON.stringify({ tenantId: message.tenantId, messageId: message.id }),
    };
    const body = options.tracking ? await tracked(message, outgoing.body) : outgoing.body;
    return { ...outgoing, headers, body };
  };
}
