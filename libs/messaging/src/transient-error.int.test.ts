import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisUrl } from './test-support.ts';
import { isTransientError } from './transient-error.ts';

// Errors raised by the real drivers, not hand-made look-alikes: a driver upgrade that changes a
// code or a message shows up here.
const schema = `transient_${process.pid}`;
let owner: pg.Pool;

beforeAll(async () => {
  owner = new pg.Pool({ connectionString: inject('ownerDatabaseUrl'), max: 3 });
  await owner.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.counters (id int PRIMARY KEY, value int NOT NULL);
    INSERT INTO ${schema}.counters VALUES (1, 0), (2, 0)`);
});
afterAll(async () => {
  await owner.query(`DROP SCHEMA ${schema} CASCADE`);
  await owner.end();
});

const failureOf = (run: () => Promise<unknown>) =>
  run().then(
    () => undefined,
    (error: unknown) => error,
  );

/** Two transactions that each hold one counter and then want the other's. */
async function deadlock(): Promise<unknown[]> {
  let holds = 0;
  let bothHold: () => void = () => undefined;
  const barrier = new Promise<void>((resolve) => (bothHold = resolve));
  const cross = async (first: number, second: number) => {
    const client = await owner.connect();
    try {
      return await failureOf(async () => {
        await client.query('BEGIN');
        await client.query(`UPDATE ${schema}.counters SET value = value + 1 WHERE id = $1`, [first]);
        if (++holds === 2) bothHold();
        await barrier;
        await client.query(`UPDATE ${schema}.counters SET value = value + 1 WHERE id = $1`, [second]);
      });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  };
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
    const duplicate = await failureOf(() => owner.query(`INSERT INTO ${schema}.counters VALUES (1, 0)`));
    expect((duplicate as { code?: string }).code).toBe('23505');
    expect(isTransientError(duplicate)).toBe(false);
  });

  it('ioredis on a closed connection, or giving up while reconnecting, is transient', async () => {
    const redis = new Redis(redisUrl, { lazyConnect: true });
    await redis.connect();
    redis.disconnect();
    const closed = await failureOf(() => redis.get('messaging:test:any'));
    expect(isTransientError(closed)).toBe(true);

    const unreachable = new Redis({ host: '127.0.0.1', port: 1, maxRetriesPerRequest: 1, retryStrategy: () => 5 });
    unreachable.on('error', () => undefined);
    const gaveUp = await failureOf(() => unreachable.get('messaging:test:any'));
    unreachable.disconnect();
    expect((gaveUp as Error).name).toBe('MaxRetriesPerRequestError');
    expect(isTransientError(gaveUp)).toBe(true);
  });
});
