import nodemailer, { type NodemailerError } from 'nodemailer';
import type { Channel, OutgoingMessage } from './channel.ts';
import { htmlToText } from './html-to-text.ts';
import {
  createProviderChain,
  describeError,
  notSendable,
  type BreakerOptions,
  type Provider,
  type ProviderOutcome,
} from './provider-chain.ts';

export interface SmtpTimeouts {
  /** TCP connect, ms. Default 3 s: a dead provider fails fast and the next one is tried. */
  connectionMs?: number;
  /** From connect to the server's 220 greeting, ms. Default 3 s. */
  greetingMs?: number;
  /** Inactivity on an open connection, ms. Default 20 s. */
  socketMs?: number;
}

export interface EmailChannelOptions {
  /** SMTP relays in the order they are tried (smtp:// or smtps:// URLs with any credentials). */
  providers: readonly { name: string; url: string }[];
  /** The From header and envelope sender. */
  from: string;
  /** Pooled connections per provider; messages queue for a free one. */
  poolSize: number;
  breaker?: BreakerOptions;
  timeouts?: SmtpTimeouts;
  now?: () => Date;
}

/** Messages sent over one pooled connection before it is replaced. */
const MESSAGES_PER_CONNECTION = 1_000;

/**
 * The email channel: one pooled nodemailer SMTP transport per relay, tried in order behind a
 * breaker each. The Message-ID is `<messageId@bizosaas>`, the same for every send of a message,
 * so a receiver can recognise a repeated delivery.
 */
export function createEmailChannel(options: EmailChannelOptions): Channel {
  const now = options.now ?? (() => new Date());
  const transports = options.providers.map((provider) => ({
    name: provider.name,
    transport: nodemailer.createTransport({
      url: provider.url,
      pool: true,
      maxConnections: options.poolSize,
      maxMessages: MESSAGES_PER_CONNECTION,
      connectionTimeout: options.timeouts?.connectionMs ?? 3_000,
      greetingTimeout: options.timeouts?.greetingMs ?? 3_000,
      socketTimeout: options.timeouts?.socketMs ?? 20_000,
    }),
  }));
  const providers: Provider[] = transports.map(({ name, transport }) => ({
    name,
    async send(message) {
      const mail = toMail(message, options.from);
      try {
        const info = await transport.sendMail(mail);
        return { outcome: 'accepted', providerMessageId: mail.messageId, response: info.response };
      } catch (error) {
        return classifySmtpError(error as NodemailerError);
      }
    },
  }));
  const send = createProviderChain(providers, { breaker: options.breaker, now });
  return {
    channel: 'email',
    async send(message) {
      if (message.destination.channel !== 'email')
        return notSendable(`an email needs an email destination, not ${message.destination.channel}`, now());
      return send(message);
    },
    async close() {
      for (const { transport } of transports) transport.close();
    },
  };
}

/** The Message-ID of a message's emails: stable across retries and providers. */
export function emailMessageId(messageId: string): string {
  return `<${messageId}@bizosaas>`;
}

function toMail(message: OutgoingMessage, from: string) {
  const address = message.destination.channel === 'email' ? message.destination.address : '';
  return {
    from,
    to: address,
    subject: message.subject ?? '',
    html: message.body,
    text: htmlToText(message.body),
    // Sent as given (ASCII, one line each): nodemailer would otherwise turn a value holding `"`
    // (X-Mailgun-Variables' JSON) into RFC 2047 encoded words, which webhooks do not decode.
    headers: Object.fromEntries(
      Object.entries(message.headers ?? {}).map(([name, value]) => [name, { prepared: true, value }]),
    ),
    messageId: emailMessageId(message.messageId),
  };
}

const RECIPIENT_STAGES = new Set(['RCPT TO', 'DATA']);

/**
 * A 5xx reply to RCPT TO or DATA is a hard bounce known at send time (except 503, a session out of
 * sequence): permanent. An envelope nodemailer itself refuses (an address it cannot use) is
 * permanent too. Everything else (4xx replies, a 5xx to MAIL FROM or AUTH, which are the relay's
 * configuration, refused or timed-out connections, a greeting that never comes) is transient.
 */
export function classifySmtpError(error: NodemailerError): ProviderOutcome {
  const code = error.responseCode;
  const bounced =
    code !== undefined && code >= 500 && code < 600 && code !== 503 && RECIPIENT_STAGES.has(error.command ?? '');
  const unusableEnvelope = error.code === 'EENVELOPE' && error.command === 'API';
  return {
    outcome: bounced || unusableEnvelope ? 'permanent' : 'transient',
    providerMessageId: null,
    response: error.response ?? describeError(error),
  };
}
