import type { FastifyInstance } from 'fastify';

export interface StartOptions {
  port: number;
  host: string;
  /** How long in-flight work may take to drain after SIGTERM/SIGINT before the process exits anyway. */
  graceMs: number;
  /**
   * Runs after `app.close()` resolved, i.e. after every onClose hook: where the shared
   * connections close. (onClose hooks run last-added first, so a hook added after buildApp
   * would close Redis before the app's own hooks stop the consumers that use it.)
   */
  afterClose?: () => Promise<void>;
}

/**
 * Listens, and on SIGTERM/SIGINT closes the app: Fastify stops accepting connections and
 * answers 503 to new requests, in-flight requests finish, then `onClose` hooks run (where
 * services stop consumers and close Redis/PostgreSQL). A second signal or the grace
 * period running out exits at once.
 */
export async function startService(app: FastifyInstance, options: StartOptions): Promise<void> {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) process.exit(1);
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error({ graceMs: options.graceMs }, 'shutdown grace period exceeded');
      process.exit(1);
    }, options.graceMs);
    timer.unref();
    app
      .close()
      .then(options.afterClose)
      .then(
        () => process.exit(0),
        (err: unknown) => {
          app.log.error({ err }, 'error while shutting down');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  await app.listen({ port: options.port, host: options.host });
}
