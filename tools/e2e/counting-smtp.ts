// A real SMTP server in the test process that only counts: each message it accepts, per envelope
// recipient. Exactness over thousands of messages is then a lookup, without parsing or listing
// them. STARTTLS is not offered, so clients speak plain SMTP as to a local relay.
import { SMTPServer } from 'smtp-server';

export interface CountingSmtp {
  url: string;
  /** Messages accepted per recipient address (lower case). */
  perRecipient(): ReadonlyMap<string, number>;
  close(): Promise<void>;
}

export async function startCountingSmtp(): Promise<CountingSmtp> {
  const counts = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1_000,
    // Counted when the whole message arrived, just before it is accepted: what the sender saw succeed.
    onData(stream, session, callback) {
      stream.on('end', () => {
        for (const { address } of session.envelope.rcptTo) {
          const key = address.toLowerCase();
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        callback();
      });
      stream.resume();
    },
  });
  // A client killed in the middle of a message (the platform stopping) delivered nothing: not an error here.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('SMTP server has no TCP address');
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    perRecipient: () => counts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
