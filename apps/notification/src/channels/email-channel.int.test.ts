import { randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Channel, OutgoingMessage } from './channel.ts';
import { classifySmtpError, createEmailChannel, type EmailChannelOptions } from './email-channel.ts';
import { closedPort, startAcceptingSmtp, startFailingSmtp } from './testing/smtp-servers.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  // Channels first (they QUIT their pooled connections), then the servers.
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function accepting() {
  const server = await startAcceptingSmtp();
  cleanup.push(() => server.close());
  return server;
}

async function failing(...args: Parameters<typeof startFailingSmtp>) {
  const server = await startFailingSmtp(...args);
  cleanup.push(() => server.close());
  return server;
}

function channel(providers: EmailChannelOptions['providers'], options: Partial<EmailChannelOptions> = {}): Channel {
  const created = createEmailChannel({ providers, from: 'BizOSaaS <notify@bizosaas.test>', poolSize: 2, ...options });
  cleanup.push(() => created.close());
  return created;
}

const email = (address = 'ada@example.com', overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  messageId: randomUUID(),
  tenantId: randomUUID(),
  destination: { channel: 'email', address },
  subject: 'Your order shipped',
  body: '<h1>Shipped</h1><p>Hello Ada,<br>it is on its way.</p>',
  ...overrides,
});

describe('email channel over real SMTP', () => {
  it('delivers subject, html, a text alternative, the Message-ID and the given headers', async () => {
    const server = await accepting();
    const message = email('ada@example.com', {
      headers: {
        'List-Unsubscribe': '<https://app.test/u/abc>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
    const result = await channel([{ name: 'relay', url: server.url }]).send(message);

    expect(result.status).toBe('sent');
    expect(result.attempts).toEqual([
      expect.objectContaining({
        provider: 'relay',
        outcome: 'accepted',
        providerMessageId: `<${message.messageId}@bizosaas>`,
        response: expect.stringMatching(/^250 /),
      }),
    ]);
    const [received] = await server.waitFor(1);
    expect(received!.subject).toBe('Your order shipped');
    expect(received!.messageId).toBe(`<${message.messageId}@bizosaas>`);
    expect(received!.html).toBe('<h1>Shipped</h1><p>Hello Ada,<br>it is on its way.</p>');
    expect(received!.text?.trim()).toBe('Shipped\nHello Ada,\nit is on its way.');
    // mailparser folds List-* headers into one structured `list` entry; the raw lines show the headers as sent.
    const lines = new Map(received!.headerLines.map((header) => [header.key, header.line]));
    expect(lines.get('list-unsubscribe')).toBe('List-Unsubscribe: <https://app.test/u/abc>');
    expect(lines.get('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(received!.from?.value).toEqual([{ name: 'BizOSaaS', address: 'notify@bizosaas.test' }]);
    expect(received!.to).toMatchObject({ value: [{ address: 'ada@example.com' }] });
  });

  it('sends through the second provider in the same send when the first is down', async () => {
    const server = await accepting();
    const down = `smtp://127.0.0.1:${await closedPort()}`;
    const result = await channel([
      { name: 'primary', url: down },
      { name: 'secondary', url: server.url },
    ]).send(email());

    expect(result.status).toBe('sent');
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
      ['primary', 'transient'],
      ['secondary', 'accepted'],
    ]);
    expect(result.attempts[0]!.response).toMatch(/ECONNREFUSED/);
    expect(await server.waitFor(1)).toHaveLength(1);
  });

  it('fails transiently on a 4xx reply', async () => {
    const server = await failing(451, 'Requested action aborted: try again later');
    const result = await channel([{ name: 'busy', url: server.url }]).send(email());
    expect(result).toMatchObject({
      status: 'transient_failure',
      attempts: [{ provider: 'busy', outcome: 'transient', response: '451 Requested action aborted: try again later' }],
    });
  });

  it('bounces permanently on 550 at RCPT TO without trying the next provider', async () => {
    const refusing = await failing(550, 'No such user here');
    const spare = await accepting();
    const result = await channel([
      { name: 'strict', url: refusing.url },
      { name: 'spare', url: spare.url },
    ]).send(email('nobody@example.com'));

    expect(result).toMatchObject({
      status: 'permanent_failure',
      attempts: [{ provider: 'strict', outcome: 'permanent', response: '550 No such user here' }],
    });
    expect(result.attempts).toHaveLength(1);
    expect(spare.connections.opened).toBe(0);
  });

  it('bounces permanently on 554 after DATA', async () => {
    const server = await failing(554, 'Message rejected', 'DATA');
    const result = await channel([{ name: 'strict', url: server.url }]).send(email());
    expect(result).toMatchObject({ status: 'permanent_failure', attempts: [{ response: '554 Message rejected' }] });
  });

  it('fails transiently, fast, when a server accepts the connection but never greets', async () => {
    const silent = createServer((socket: Socket) => socket.on('error', () => undefined));
    const sockets = new Set<Socket>();
    silent.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanup.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const port = (silent.address() as { port: number }).port;

    const result = await channel([{ name: 'mute', url: `smtp://127.0.0.1:${port}` }], {
      timeouts: { connectionMs: 60_000, greetingMs: 200 },
    }).send(email());
    expect(result).toMatchObject({ status: 'transient_failure', attempts: [{ outcome: 'transient' }] });
    expect(result.attempts[0]!.response).toBe('ETIMEDOUT: Greeting never received');
  });

  it('opens the breaker after consecutive transient failures, then skips the provider without connecting', async () => {
    const busy = await failing(421, 'Service not available');
    const spare = await accepting();
    const send = channel(
      [
        { name: 'busy', url: busy.url },
        { name: 'spare', url: spare.url },
      ],
      { breaker: { failureThreshold: 3, halfOpenAfterMs: 60_000 } },
    );
    for (let i = 0; i < 3; i += 1) {
      const result = await send.send(email());
      expect(result.attempts.map((attempt) => attempt.outcome)).toEqual(['transient', 'accepted']);
    }
    const seen = { recipients: busy.recipients, connections: busy.connections.opened };
    expect(seen.recipients).toBe(3);

    const result = await send.send(email());
    expect(result.status).toBe('sent');
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
      ['busy', 'breaker_open'],
      ['spare', 'accepted'],
    ]);
    expect({ recipients: busy.recipients, connections: busy.connections.opened }).toEqual(seen);
  });

  it('delivers 200 concurrent messages once each over at most poolSize connections', async () => {
    const server = await accepting();
    const poolSize = 3;
    const send = channel([{ name: 'relay', url: server.url }], { poolSize });
    const messages = Array.from({ length: 200 }, (_, index) => email(`user${index}@example.com`));

    const results = await Promise.all(messages.map((message) => send.send(message)));
    expect(results.filter((result) => result.status === 'sent')).toHaveLength(200);

    const received = await server.waitFor(200);
    expect(received).toHaveLength(200);
    expect(new Set(received.map((mail) => mail.messageId))).toEqual(
      new Set(messages.map((message) => `<${message.messageId}@bizosaas>`)),
    );
    expect(server.connections.maxOpen).toBeLessThanOrEqual(poolSize);
    expect(server.connections.opened).toBeLessThanOrEqual(poolSize);
  });

  it('refuses a destination of another channel without connecting', async () => {
    const server = await accepting();
    const result = await channel([{ name: 'relay', url: server.url }]).send({
      ...email(),
      destination: { channel: 'sms', phone: '+15005550006' },
    });
    expect(result).toMatchObject({ status: 'permanent_failure', attempts: [{ provider: 'none' }] });
    expect(server.connections.opened).toBe(0);
  });
});

describe('classifySmtpError', () => {
  const smtpError = (fields: Record<string, unknown>) => Object.assign(new Error('refused'), fields);

  it('treats 5xx to MAIL FROM or AUTH as the relay configuration (transient), 503 as a session error', () => {
    expect(classifySmtpError(smtpError({ responseCode: 550, command: 'MAIL FROM', response: '550 x' })).outcome).toBe(
      'transient',
    );
    expect(classifySmtpError(smtpError({ responseCode: 535, command: 'AUTH PLAIN', code: 'EAUTH' })).outcome).toBe(
      'transient',
    );
    expect(classifySmtpError(smtpError({ responseCode: 503, command: 'RCPT TO' })).outcome).toBe('transient');
  });

  it('treats an envelope nodemailer cannot build as permanent', () => {
    expect(classifySmtpError(smtpError({ code: 'EENVELOPE', command: 'API' }))).toEqual({
      outcome: 'permanent',
      providerMessageId: null,
      response: 'EENVELOPE: refused',
    });
  });
});
