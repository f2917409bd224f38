// Real SMTP servers on 127.0.0.1 for the email channel's tests: one that accepts and parses
// everything (mailparser), one that refuses at RCPT TO or DATA with a chosen reply, and a port
// nothing listens on. STARTTLS is not offered, so clients speak plain SMTP as to a local relay.
import { createServer } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** Connections a server saw: opened in total, open now, most open at once. */
export interface ConnectionCounts {
  opened: number;
  open: number;
  maxOpen: number;
}

interface RunningSmtp {
  port: number;
  url: string;
  connections: ConnectionCounts;
  close(): Promise<void>;
}

export interface AcceptingSmtp extends RunningSmtp {
  /** Every message received, parsed, in arrival order. */
  messages: ParsedMail[];
  /** Resolves with the messages once at least `count` have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
}

export interface FailingSmtp extends RunningSmtp {
  /** RCPT TO commands received. */
  recipients: number;
}

async function startSmtp(options: SMTPServerOptions): Promise<RunningSmtp> {
  const connections: ConnectionCounts = { opened: 0, open: 0, maxOpen: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1_000,
    onConnect(_session, callback) {
      connections.opened += 1;
      connections.open += 1;
      connections.maxOpen = Math.max(connections.maxOpen, connections.open);
      callback();
    },
    onClose() {
      connections.open -= 1;
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('SMTP server has no TCP address');
  return {
    port: address.port,
    url: `smtp://127.0.0.1:${address.port}`,
    connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface AcceptingSmtpOptions {
  /** Awaited with each message's raw data before the server answers 250 (a slow server, a look at the sender's state). */
  beforeAccept?: (raw: Buffer) => Promise<void>;
}

export async function startAcceptingSmtp(options: AcceptingSmtpOptions = {}): Promise<AcceptingSmtp> {
  const messages: ParsedMail[] = [];
  const parsing: Promise<void>[] = [];
  const running = await startSmtp({
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        void (options.beforeAccept?.(raw) ?? Promise.resolve()).then(() => {
          parsing.push(simpleParser(raw).then((parsed) => void messages.push(parsed)));
          callback();
        }, callback);
      });
    },
  });
  return {
    ...running,
    messages,
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} messages, received ${messages.length}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await Promise.all(parsing);
      return messages;
    },
  };
}

/** A server refusing every recipient (`at: 'RCPT'`) or every message after its data (`at: 'DATA'`). */
export async function startFailingSmtp(
  code: number,
  message: string,
  at: 'RCPT' | 'DATA' = 'RCPT',
): Promise<FailingSmtp> {
  const refusal = () => Object.assign(new Error(message), { responseCode: code });
  let recipients = 0;
  const running = await startSmtp({
    onRcptTo(_address, _session, callback) {
      recipients += 1;
      callback(at === 'RCPT' ? refusal() : null);
    },
    onData(stream, _session, callback) {
      stream.on('end', () => callback(refusal()));
      stream.resume();
    },
  });
  return {
    ...running,
    get recipients() {
      return recipients;
    },
  };
}

/** A local port nothing listens on: connecting to it is refused at once. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}
