import webpush from 'web-push';
import { OutboundAddressRefusedError, type OutboundHttp } from '@bizosaas/outbound-http';
import type { Channel, OutgoingMessage, ProviderAttempt, PushSubscriptionJson, SendResult } from './channel.ts';
import {
  createProviderBreaker,
  describeError,
  notSendable,
  type BreakerOptions,
  type ProviderBreaker,
  type ProviderOutcome,
} from './provider-chain.ts';

export interface VapidKeys {
  /** mailto: or https: contact of the sender, given to push services. */
  subject: string;
  publicKey: string;
  privateKey: string;
}

export interface PushChannelOptions {
  vapid: VapidKeys;
  /** The platform's guarded HTTP client: push endpoints come from users' browsers. */
  outbound: OutboundHttp;
  /** How long a push service keeps an undelivered message, seconds. Default 24 h. */
  ttlSeconds?: number;
  /** Waiting for the push service's answer, ms. Default 10 s. */
  timeoutMs?: number;
  breaker?: BreakerOptions;
  now?: () => Date;
}

/** Push services (origins) with a breaker kept; forgotten all at once past this many. */
const MAX_BREAKERS = 1_000;

interface SubscriptionResult {
  attempt: ProviderAttempt;
  expired: boolean;
}

/**
 * The push channel: Web Push with VAPID, one encrypted request per subscription of the
 * destination, sent through the outbound helper. Each push service (endpoint origin) is a
 * provider with its own breaker, so one failing service does not stop the others.
 */
export function createPushChannel(options: PushChannelOptions): Channel {
  const now = options.now ?? (() => new Date());
  const breakers = new Map<string, ProviderBreaker>();
  const breakerOf = (endpoint: string): ProviderBreaker => {
    const origin = URL.canParse(endpoint) ? new URL(endpoint).host : 'invalid-endpoint';
    let breaker = breakers.get(origin);
    if (!breaker) {
      if (breakers.size >= MAX_BREAKERS) breakers.clear();
      breaker = createProviderBreaker(origin, { breaker: options.breaker, now });
      breakers.set(origin, breaker);
    }
    return breaker;
  };

  async function sendTo(subscription: PushSubscriptionJson, payload: string): Promise<SubscriptionResult> {
    let expired = false;
    const attempt = await breakerOf(subscription.endpoint).attempt(async () => {
      const outcome = await pushOnce(subscription, payload, options);
      expired = outcome.expired;
      return outcome;
    });
    return { attempt, expired };
  }

  return {
    channel: 'push',
    async send(message) {
      const destination = message.destination;
      if (destination.channel !== 'push')
        return notSendable(`a push needs push subscriptions, not a ${destination.channel} destination`, now());
      const subscriptions = [...new Map(destination.subscriptions.map((s) => [s.endpoint, s])).values()];
      if (subscriptions.length === 0) return notSendable('the user has no push subscription', now());
      const payload = pushPayload(message);
      const results = await Promise.all(subscriptions.map((subscription) => sendTo(subscription, payload)));
      return combine(results, subscriptions);
    },
    async close() {},
  };
}

/** What the service worker receives: `{ title, body, messageId }` as JSON. */
export function pushPayload(message: OutgoingMessage): string {
  return JSON.stringify({ title: message.subject, body: message.body, messageId: message.messageId });
}

async function pushOnce(
  subscription: PushSubscriptionJson,
  payload: string,
  options: PushChannelOptions,
): Promise<ProviderOutcome & { expired: boolean }> {
  let request: webpush.RequestDetails;
  try {
    request = webpush.generateRequestDetails(subscription, payload, {
      vapidDetails: options.vapid,
      TTL: options.ttlSeconds ?? 86_400,
    });
  } catch (error) {
    // The subscription's keys or endpoint are unusable: it can never be sent to.
    return { outcome: 'permanent', expired: false, providerMessageId: null, response: describeError(error) };
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  try {
    const response = await options.outbound.request(request.endpoint, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = `${response.statusCode} ${await response.body.text()}`;
    const location = response.headers.location;
    return { ...classifyPushAnswer(response.statusCode), response: text, providerMessageId: stringOf(location) };
  } catch (error) {
    if (error instanceof OutboundAddressRefusedError)
      return { outcome: 'permanent', expired: false, providerMessageId: null, response: describeError(error) };
    throw error;
  }
}

/**
 * 2xx: accepted. 404 and 410: the subscription is gone (the user unsubscribed or it expired).
 * 429 and 5xx: transient. Other 4xx (a malformed request, VAPID keys that do not match the
 * subscription's, a payload too large) fail the same way again: permanent.
 */
export function classifyPushAnswer(statusCode: number): Pick<ProviderOutcome, 'outcome'> & { expired: boolean } {
  if (statusCode >= 200 && statusCode < 300) return { outcome: 'accepted', expired: false };
  if (statusCode === 404 || statusCode === 410) return { outcome: 'permanent', expired: true };
  if (statusCode === 429 || statusCode >= 500) return { outcome: 'transient', expired: false };
  return { outcome: 'permanent', expired: false };
}

function stringOf(header: string | string[] | undefined): string | null {
  return (Array.isArray(header) ? header[0] : header) ?? null;
}

/**
 * Sent when any subscription accepted (its attempt is placed last); permanent when every
 * subscription expired or refused for good; transient otherwise (one may succeed later).
 */
function combine(results: SubscriptionResult[], subscriptions: PushSubscriptionJson[]): SendResult {
  const attempts = results.map((result) => result.attempt);
  const expiredEndpoints = subscriptions
    .filter((_subscription, index) => results[index]!.expired)
    .map((subscription) => subscription.endpoint);
  const expired = expiredEndpoints.length > 0 ? { expiredEndpoints } : {};
  const accepted = attempts.findIndex((attempt) => attempt.outcome === 'accepted');
  if (accepted >= 0) {
    attempts.push(...attempts.splice(accepted, 1));
    return { status: 'sent', attempts, ...expired };
  }
  const retryable = attempts.some((attempt) => attempt.outcome === 'transient' || attempt.outcome === 'breaker_open');
  return { status: retryable ? 'transient_failure' : 'permanent_failure', attempts, ...expired };
}
