import type { PlatformClient } from '@bizosaas/platform-client';
import { createWakeableLoop, type WakeableLoop } from '@bizosaas/service-kit';
import type { CampaignContext } from '../context.ts';
import { claimCommands, finishCommand, sendCommand } from './pacing-worker.ts';

const BATCH = 20;
const CALL_TIMEOUT_MS = 30_000;

export interface PacingSenderLog {
  warn: (fields: object, message: string) => void;
  error: (fields: object, message: string) => void;
}

/**
 * Sends the pending pause and complete commands to domain-repository: claims a batch across
 * tenants, sends them one by one, records each outcome; claims again at once after a full
 * batch, otherwise waits DISPATCH_POLL_INTERVAL_MS or until woken.
 */
export function createPacingSender(ctx: CampaignContext, client: PlatformClient, log: PacingSenderLog): WakeableLoop {
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
  return createWakeableLoop(runBatch, {
    idleMs: ctx.config.DISPATCH_POLL_INTERVAL_MS,
    onError: (error) => log.error({ err: error }, 'pacing commands could not be sent'),
  });
}
