// What the fake Twilio posts to the platform, in Twilio's wire format: form-encoded parameters
// signed with X-Twilio-Signature, and the fields of an inbound message with Twilio's keyword
// handling (its default keywords, or a Messaging Service's Advanced Opt-Out ones).
import { randomBytes } from 'node:crypto';
import { twilioSignature } from '../twilio-signature.ts';

export type OptOutType = 'STOP' | 'START' | 'HELP';

/** A message a person sends to the platform's number. */
export interface FakeTwilioReply {
  /** The sender (E.164). */
  from: string;
  /** The Twilio number it is sent to. */
  to: string;
  body: string;
  /** The number's "A message comes in" webhook. */
  url: string;
  /**
   * The number is in a Messaging Service with Advanced Opt-Out, whose own keywords (e.g. ARRET)
   * act besides the defaults: a keyword message then carries OptOutType.
   */
  advancedOptOut?: { keywords?: Partial<Record<OptOutType, readonly string[]>> };
}

/** What a webhook answered Twilio. */
export interface WebhookAnswer {
  status: number;
  contentType: string | null;
  body: string;
}

// Twilio's default keywords (long codes); HELP and INFO draw its help text and change nothing.
const DEFAULT_KEYWORDS: Record<OptOutType, readonly string[]> = {
  STOP: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'],
  START: ['START', 'YES', 'UNSTOP', 'OPTIN'],
  HELP: ['HELP', 'INFO'],
};

/** Posts form parameters as Twilio does: form-encoded, X-Twilio-Signature over the URL and them. */
export async function postSigned(
  url: string,
  authToken: string,
  params: Record<string, string>,
): Promise<WebhookAnswer> {
  const answer = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(authToken, url, params),
      'user-agent': 'TwilioProxy/1.1',
    },
    body: new URLSearchParams(params).toString(),
  });
  return { status: answer.status, contentType: answer.headers.get('content-type'), body: await answer.text() };
}

/** Twilio acts on a message that is one keyword alone, in any case. */
function keywordOf(body: string, own: Partial<Record<OptOutType, readonly string[]>> = {}): OptOutType | null {
  const word = body.trim().toUpperCase();
  const types: OptOutType[] = ['STOP', 'START', 'HELP'];
  const is = (type: OptOutType) =>
    [...DEFAULT_KEYWORDS[type], ...(own[type] ?? [])].some((k) => k.toUpperCase() === word);
  return types.find(is) ?? null;
}

/** The parameters Twilio posts for an inbound SMS, and the keyword it acted on (if any). */
export function inboundMessage(accountSid: string, message: FakeTwilioReply) {
  const keyword = keywordOf(message.body, message.advancedOptOut?.keywords);
  const sid = `SM${randomBytes(16).toString('hex')}`;
  // Twilio's geographic fields are empty where it knows nothing of the number.
  const params: Record<string, string> = {
    ToCountry: 'US',
    ToState: '',
    SmsMessageSid: sid,
    NumMedia: '0',
    ToCity: '',
    FromZip: '',
    SmsSid: sid,
    FromState: '',
    SmsStatus: 'received',
    FromCity: '',
    Body: message.body,
    FromCountry: 'US',
    To: message.to,
    ToZip: '',
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: accountSid,
    From: message.from,
    ApiVersion: '2010-04-01',
    ...(message.advancedOptOut && keyword !== null ? { OptOutType: keyword } : {}),
  };
  return { params, keyword };
}
