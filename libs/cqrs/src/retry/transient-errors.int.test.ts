import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, scratchTables, type ScratchTables } from '../pg-test-support.ts';
import { isTransientError } from './transient-errors.ts';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let scratch: ScratchTables;

beforeAll(async () => {
  scratch = await scratchTables('transient', 4);
});
afterAll(async () => {
  await scratch.drop();
});

const failureOf = (run: () => Promise<unknown>) => run().then(() => undefined, (error: unknown) => error);

/** Two transactions that each hold one counter and then want the other's. */
async function deadlock(): Promise<unknown[]> {
  const counters = `"${scratch.schema}".counters`;
  let holds = 0;
  let bothHold: () => void = () => undefined;
  const barrier = new Promise<void>((resolve) => (bothHold = resolve));
  const cross = (first: number, second: number) =>
    failureOf(() =>
      inTransaction(scratch.app, 'READ COMMITTED', async (client) => {
        await client.query(`UPDATE ${counters} SET value = value + 1 WHERE id = $1`, [first]);
        if (++holds === 2) bothHold();
        await barrier;
        await client.query(`UPDATE ${counters} SET value = value + 1 WHERE id = $1`, [second]);
      }),
    );
  return Promise.all([cross(1, 2), cross(2, 1)]);
}

describe('isTransientError on errors raised by the real drivers', () => {
  it('a deadlock (40P01) is transient', async () => {
    const failures = (await deadlock()).filter((error) => error !== undefined);
    expect(failures).toHaveLength(1);
    expect((failures[0] as { code?: string }).code).toBe('40P01');
    expect(isTransientError(failures[0])).toBe(true);
  });

  it('a refused PostgreSQL connection is transient; a unique violation is not', async () => {
    const refused = await failureOf(async () => {
      const client = new pg.Client({ host: '127.0.0.1', port: 1, user: 'nobody', database: 'none' });
      await client.connect();
    });
    expect(isTransientError(refused)).toBe(true);
    const duplicate = await failureOf(() => scratch.app.query(`INSERT INTO "${scratch.schema}".counters VALUES (1, 0)`));
    expect((duplicate as { code?: string }).code).toBe('23505');
    expect(isTransientError(duplicate)).toBe(false);
  });

  it('ioredis on a closed connection, or giving up while reconnecting, is transient', async () => {
    const redis = new Redis(redisUrl, { lazyConnect: true });
    await redis.connect();
    redis.disconnect();
    const closed = await failureOf(() => redis.get('cqrs:test:any'));
    expect(isTransientError(closed)).toBe(true);

    const unreachable = new Redis({ host: '127.0.0.1', port: 1, maxRetriesPerRequest: 1, retryStrategy: () => 5 });
    unreachable.on('error', () => undefined);
    const gaveUp = await failureOf(() => unreachable.get('cqrs:test:any'));
    unreachable.disconnect();
    expect((gaveUp as Error).name).toBe('MaxRetriesPerRequestError');
    expect(isTransientError(gaveUp)).toBe(true);
  });
});
