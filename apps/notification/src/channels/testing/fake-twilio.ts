// A local server speaking Twilio's Messages API wire format for the SMS channel's tests:
// POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, HTTP Basic auth, JSON
// answers and errors shaped as Twilio's ({code, message, more_info, status}). It can be told to
// fail the next requests or that a number replied STOP, and posts signed status callbacks and
// inbound messages (a person's STOP or START reply, as Twilio's messaging webhook) when asked.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { inboundMessage, postSigned, type FakeTwilioReply, type WebhookAnswer } from './fake-twilio-webhooks.ts';

export type { FakeTwilioReply, WebhookAnswer } from './fake-twilio-webhooks.ts';

export interface FakeTwilioMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string | null;
  status: string;
}

export interface FakeTwilio {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** Messages accepted, in order. */
  messages: FakeTwilioMessage[];
  /** Every request received, accepted or not. */
  readonly requests: number;
  /** Answers the next `count` requests with `status` (500, 503, 429) before looking at them. */
  failNext(count: number, status: number): void;
  /**
   * The number replied STOP (`true`) or START (`false`) to every number of the account: while
   * opted out, messages to it are refused with 21610.
   */
  optOut(phone: string, out?: boolean): void;
  /**
   * Posts a signed status callback (form-encoded, X-Twilio-Signature) for every accepted message
   * with a StatusCallback not reported yet; resolves with the HTTP statuses received.
   */
  deliverAll(status?: 'delivered' | 'undelivered' | 'failed' | 'sent'): Promise<number[]>;
  /**
   * A person texts a number of the account, as Twilio handles it: a default opt-out keyword alone
   * (STOP, ...) blocks messages from that number to theirs (21610 from then on), an opt-in keyword
   * (START, ...) unblocks them, then the
   * message is posted to `url` signed, with Twilio's inbound fields. Resolves with the answer.
   */
  reply(message: FakeTwilioReply): Promise<WebhookAnswer>;
  close(): Promise<void>;
}

const E164 = /^\+[1-9]\d{1,14}$/;

const twilioError = (res: ServerResponse, status: number, code: number, message: string) =>
  json(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  return new URLSearchParams(isForm ? Buffer.concat(chunks).toString('utf8') : '');
}

export async function startFakeTwilio(options: { accountSid?: string; authToken?: string } = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? `AC${randomBytes(16).toString('hex')}`;
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const messages: FakeTwilioMessage[] = [];
  const reported = new Set<string>();
  const failures: number[] = [];
  // Twilio blocks per pair of numbers: `${recipient} ${sender}`, or `${recipient} *` for every sender.
  const optedOut = new Set<string>();
  let requests = 0;
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const path = `/2010-04-01/Accounts/${accountSid}/Messages.json`;

  const server = createServer((req, res) => {
    requests += 1;
    const failure = failures.shift();
    if (failure !== undefined) {
      void readForm(req).then(() =>
        twilioError(
          res,
          failure,
          failure === 429 ? 20429 : 20500,
          failure === 429 ? 'Too Many Requests' : 'Internal Server Error',
        ),
      );
      return;
    }
    if (req.headers.authorization !== expectedAuth) return void twilioError(res, 401, 20003, 'Authenticate');
    if (req.method !== 'POST' || req.url !== path)
      return void twilioError(res, 404, 20404, `The requested resource ${req.url} was not found`);
    void readForm(req).then((form) => createMessage(res, form));
  });

  function createMessage(res: ServerResponse, form: URLSearchParams): void {
    const [to, from, body, statusCallback] = ['To', 'From', 'Body', 'StatusCallback'].map(
      (name) => form.get(name) ?? '',
    );
    if (to === '') return twilioError(res, 400, 21604, "A 'To' phone number is required.");
    if (from === '') return twilioError(res, 400, 21603, "A 'From' phone number is required.");
    if (body === '') return twilioError(res, 400, 21602, 'Message body is required.');
    if (!E164.test(to!)) return twilioError(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (optedOut.has(`${to} *`) || optedOut.has(`${to} ${from}`))
      return twilioError(res, 400, 21610, 'Attempt to send to unsubscribed recipient');
    if (body!.length > 1600)
      return twilioError(res, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (statusCallback !== '' && !URL.canParse(statusCallback!))
      return twilioError(res, 400, 21609, `The StatusCallback URL ${statusCallback} is not a valid URL.`);
    const message: FakeTwilioMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      to: to!,
      from: from!,
      body: body!,
      statusCallback: statusCallback === '' ? null : statusCallback!,
      status: 'queued',
    };
    messages.push(message);
    const created = new Date().toUTCString();
    json(res, 201, {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body: message.body,
      date_created: created,
      date_sent: null,
      date_updated: created,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: message.from,
      messaging_service_sid: null,
      num_media: '0',
      num_segments: String(Math.ceil(message.body.length / 160)),
      price: null,
      price_unit: 'USD',
      sid: message.sid,
      status: message.status,
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}/Media.json` },
      to: message.to,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`,
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    messages,
    get requests() {
      return requests;
    },
    failNext(count, status) {
      for (let i = 0; i < count; i += 1) failures.push(status);
    },
    optOut(phone, out = true) {
      if (out) optedOut.add(`${phone} *`);
      else optedOut.delete(`${phone} *`);
    },
    async deliverAll(status = 'delivered') {
      const due = messages.filter((message) => message.statusCallback !== null && !reported.has(message.sid));
      const statuses: number[] = [];
      for (const message of due) {
        reported.add(message.sid);
        message.status = status;
        const params: Record<string, string> = {
          AccountSid: accountSid,
          ApiVersion: '2010-04-01',
          From: message.from,
          MessageSid: message.sid,
          MessageStatus: status,
          SmsSid: message.sid,
          SmsStatus: status,
          To: message.to,
          ...(status === 'undelivered' || status === 'failed' ? { ErrorCode: '30003' } : {}),
        };
        statuses.push((await postSigned(message.statusCallback!, authToken, params)).status);
      }
      return statuses;
    },
    async reply(message) {
      const { params, keyword } = inboundMessage(accountSid, message);
      if (keyword === 'STOP') optedOut.add(`${message.from} ${message.to}`);
      if (keyword === 'START') {
        optedOut.delete(`${message.from} ${message.to}`);
        optedOut.delete(`${message.from} *`);
      }
      return postSigned(message.url, authToken, params);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
