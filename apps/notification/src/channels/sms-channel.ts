import { z } from 'zod';
import type { OutboundHttp } from '@bizosaas/outbound-http';
import type { Channel, OutgoingMessage } from './channel.ts';
import {
  createProviderChain,
  notSendable,
  type BreakerOptions,
  type Provider,
  type ProviderOutcome,
} from './provider-chain.ts';

/** One account of Twilio's Messages API (or a service speaking its wire format). */
export interface TwilioAccount {
  /** The provider's name in attempts. */
  name: string;
  /** https://api.twilio.com in production. */
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** The sending number (E.164) or alphanumeric sender id. */
  from: string;
}

export interface SmsChannelOptions {
  /** Tried in order. */
  accounts: readonly TwilioAccount[];
  /** The platform's guarded HTTP client (libs/outbound-http). */
  outbound: OutboundHttp;
  /** Waiting for the answer's headers, then its body, ms. Default 10 s. */
  timeoutMs?: number;
  breaker?: BreakerOptions;
  now?: () => Date;
}

const createdMessage = z.object({ sid: z.string().min(1), status: z.string() });
const twilioError = z.object({ code: z.number(), message: z.string() });

/**
 * 400 answers that mean this platform's sender or account is misconfigured, not the recipient:
 * invalid From (21212), From not SMS-capable (21606), From not a number of the account (21659).
 * Another account can send; every other 400 (invalid To 21211, To required 21604, unsubscribed
 * recipient 21610, body too long 21617, ...) fails the same way anywhere.
 */
const SENDER_CONFIGURATION_CODES = new Set([21212, 21606, 21659]);

/** The recipient replied STOP: Twilio refuses every message to the number until they reply START. */
const UNSUBSCRIBED_RECIPIENT = 21610;

/** The SMS channel: Twilio's Messages API, accounts tried in order behind a breaker each. */
export function createSmsChannel(options: SmsChannelOptions): Channel {
  const now = options.now ?? (() => new Date());
  const providers = options.accounts.map((account) => twilioProvider(account, options));
  const send = createProviderChain(providers, { breaker: options.breaker, now });
  return {
    channel: 'sms',
    async send(message) {
      if (message.destination.channel !== 'sms')
        return notSendable(`an SMS needs a phone destination, not ${message.destination.channel}`, now());
      return send(message);
    },
    async close() {},
  };
}

function twilioProvider(account: TwilioAccount, options: SmsChannelOptions): Provider {
  const url = `${account.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    name: account.name,
    async send(message) {
      const response = await options.outbound.request(url, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: messageForm(message, account.from).toString(),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      return classifyTwilioAnswer(response.statusCode, await response.body.text());
    },
  };
}

function messageForm(message: OutgoingMessage, from: string): URLSearchParams {
  const form = new URLSearchParams({
    To: message.destination.channel === 'sms' ? message.destination.phone : '',
    From: from,
    Body: message.body,
  });
  if (message.statusCallbackUrl) form.set('StatusCallback', message.statusCallbackUrl);
  return form;
}

/**
 * 2xx with a message sid: accepted. 400: permanent (the message or recipient is refused), unless
 * its code names the sender's configuration; marked unsubscribed for 21610. 401, 403, 404
 * (credentials, account), 429 and 5xx: transient, and counted against the account's breaker.
 */
export function classifyTwilioAnswer(statusCode: number, body: string): ProviderOutcome {
  const response = `${statusCode} ${body}`;
  const json = parseJson(body);
  if (statusCode >= 200 && statusCode < 300) {
    const created = createdMessage.safeParse(json);
    return created.success
      ? { outcome: 'accepted', providerMessageId: created.data.sid, response }
      : { outcome: 'transient', providerMessageId: null, response };
  }
  const error = twilioError.safeParse(json);
  const permanent = statusCode === 400 && !(error.success && SENDER_CONFIGURATION_CODES.has(error.data.code));
  if (!permanent) return { outcome: 'transient', providerMessageId: null, response };
  const unsubscribed = error.success && error.data.code === UNSUBSCRIBED_RECIPIENT;
  return { outcome: 'permanent', providerMessageId: null, response, ...(unsubscribed && { unsubscribed }) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
