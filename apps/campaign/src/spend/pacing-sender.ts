import type { PlatformClient } from '@bizosaas/platform-client';
import type { CampaignContext } from '../context.ts';
import { claimCommands, finishCommand, sendCommand } from './pacing-worker.ts';

const BATCH = 20;
const CALL_TIMEOUT_MS = 30_000;

export interface PacingSender {
  start(): void;
  /** Look for pending commands now (an entry committed some). */
  wake(): void;
  /** Stops claiming and lets the command in hand finish. */
  stop(): Promise<void>;
}

export interface PacingSenderLog {
  warn: (fields: object, message: string) => void;
  error: (fields: object, message: string) => void;
}

/**
 * Sends the pending pause and complete commands to domain-repository: claims a batch across
 * tenants, sends them one by one, records each outcome; claims again at once after a full
 * batch, otherwise waits DISPATCH_POLL_INTERVAL_MS or until woken.
 */
export function createPacingSender(ctx: CampaignContext, client: PlatformClient, log: PacingSenderLog): PacingSender {
  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let woken = false;

  async function runBatch(): Promise<boolean> {
    const claimed = await claimCommands(ctx.worker, ctx.now(), BATCH, ctx.config.DISPATCH_LEASE_MS);
    for (const command of claimed) {
      const outcome = await sendCommand(client, command, AbortSignal.timeout(CALL_TIMEOUT_MS));
      if (outcome.status !== 'done')
        log.warn({ ...command, outcome: outcome.status, error: outcome.error }, `pacing ${command.action} not applied`);
      await finishCommand(ctx.worker, command, outcome, ctx.now());
    }
    return claimed.length === BATCH;
  }

  async function run(): Promise<void> {
    while (running) {
      let full = false;
      try {
        full = await runBatch();
      } catch (error) {
        log.error({ err: error }, 'pacing commands could not be sent');
      }
      if (full || woken) {
        woken = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ctx.config.DISPATCH_POLL_INTERVAL_MS);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = undefined;
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    wake() {
      woken = true;
      wakeUp?.();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
    },
  };
}
