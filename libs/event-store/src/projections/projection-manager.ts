import type pg from 'pg';
import { catchUpBatch } from './catch-up-batch.ts';
import { installProjection } from './install-projection.ts';
import { listenForNotifications, type NotificationListener } from '../notifications/listen.ts';
import type { AnyProjection } from './projection.ts';
import { rebuildProjection, type RebuildResult, type RebuildVerifier } from './rebuild-projection.ts';
import { createWakeSignal, type WakeSignal } from '../notifications/wake-signal.ts';

export interface ProjectionManagerOptions {
  /** Worker-role pool (reads every tenant's events). Size it >= projections + 3. */
  readonly pool: pg.Pool;
  /** The service schema holding the event store tables and the read tables. */
  readonly schema: string;
  readonly projections: readonly AnyProjection[];
  /** Log rows per live transaction (default 500). */
  readonly batchSize?: number;
  /** Log rows per rebuild page (default 10,000). */
  readonly rebuildBatchSize?: number;
  /** Polling interval when idle (default 250 ms); a notification or wake() cuts it short. */
  readonly pollIntervalMs?: number;
  /** A channel to LISTEN on: any notification on it wakes every projection loop. */
  readonly listenChannel?: string;
  /** Rebuild on start a projection installed at an older version than its definition (default true). */
  readonly rebuildOnVersionChange?: boolean;
  /** A failed batch or rebuild (the batch is retried with backoff; nothing is skipped). */
  readonly onError?: (error: unknown, projection: string) => void;
  /** Called after each committed batch with the events it applied (metrics, tests, benchmarks). */
  readonly onApplied?: (projection: string, events: readonly unknown[]) => void;
}

export interface ProjectionManager {
  /** Installs missing projections, starts one catch-up loop each and due rebuilds. */
  start(): Promise<void>;
  /** Stops the loops and waits for their current batch and for running rebuilds. */
  stop(): Promise<void>;
  /** Runs every loop now (e.g. after an append in the same process). */
  wake(this: void): void;
  /** Rebuilds one projection into fresh tables and swaps it in (see rebuildProjection). */
  rebuild(name: string, options?: { verify?: RebuildVerifier }): Promise<RebuildResult>;
}

/**
 * The projection manager: for each projection, a loop reading the event store's global log
 * after the projection's checkpoint (commit order, late commits included) and applying each
 * batch in the transaction that advances the checkpoint. Several replicas may run it: a
 * projection is written by one of them at a time (an advisory lock), the others skip it.
 */
export function createProjectionManager(options: ProjectionManagerOptions): ProjectionManager {
  const { pool, schema, projections } = options;
  const onError = options.onError ?? (() => {});
  const signals = new Map<string, WakeSignal>(projections.map((p) => [p.name, createWakeSignal()]));
  const running = new Set<Promise<unknown>>();
  let stopped = true;
  let listener: NotificationListener | undefined;

  const track = <T>(work: Promise<T>): Promise<T> => {
    running.add(work);
    void work.then(
      () => running.delete(work),
      () => running.delete(work),
    );
    return work;
  };
  const wake = () => signals.forEach((signal) => signal.wake());
  const find = (name: string) => {
    const projection = projections.find((p) => p.name === name);
    if (!projection) throw new Error(`Unknown projection: ${name}`);
    return projection;
  };
  const rebuild = (name: string, rebuildOptions: { verify?: RebuildVerifier } = {}) =>
    track(
      rebuildProjection({
        pool,
        schema,
        projection: find(name),
        batchSize: options.rebuildBatchSize,
        ...rebuildOptions,
      }).finally(wake),
    );

  async function loop(projection: AnyProjection, signal: WakeSignal): Promise<void> {
    const pollMs = options.pollIntervalMs ?? 250;
    const batchSize = options.batchSize ?? 500;
    let failures = 0;
    let heldRounds = 0;
    while (!stopped) {
      let pause = pollMs;
      try {
        const outcome = await catchUpBatch(pool, schema, projection, batchSize);
        failures = 0;
        heldRounds = outcome.heldBack ? heldRounds + 1 : 0;
        if (outcome.read === batchSize) pause = 0;
        else if (outcome.heldBack) pause = Math.min(pollMs, 1000, 10 * 2 ** heldRounds);
        if (outcome.applied.length > 0) options.onApplied?.(projection.name, outcome.applied);
      } catch (error) {
        failures += 1;
        pause = Math.min(pollMs * 2 ** failures, 30_000);
        onError(error, projection.name);
      }
      if (pause > 0 && !stopped) await signal.wait(pause);
    }
  }

  return {
    async start() {
      if (!stopped) return;
      const installed = await Promise.all(projections.map((p) => installProjection(pool, schema, p)));
      stopped = false;
      if (options.listenChannel) {
        const channel = options.listenChannel;
        listener = await listenForNotifications({
          pool,
          channel,
          onNotify: wake,
          onError: (error) => onError(error, `listen ${channel}`),
        });
      }
      projections.forEach((projection, index) => {
        void track(loop(projection, signals.get(projection.name) ?? createWakeSignal()));
        // Only upgrades: during a rolling deploy a replica still running the old code must not
        // rebuild back to its version (its loop just leaves the newer tables alone).
        const due = (installed[index]?.version ?? 0) < projection.version && options.rebuildOnVersionChange !== false;
        if (due) void rebuild(projection.name).catch((error: unknown) => onError(error, projection.name));
      });
    },
    async stop() {
      stopped = true;
      wake();
      listener?.close();
      listener = undefined;
      await Promise.allSettled([...running]);
    },
    wake,
    rebuild,
  };
}
