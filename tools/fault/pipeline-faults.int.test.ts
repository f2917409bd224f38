import { describe, expect, it } from 'vitest';
import { runPipelineFaults } from './pipeline-faults.ts';

// Private PostgreSQL and Redis (killed and restarted), the relay and a consumer as processes:
// see pipeline-faults.ts. The shared servers of the other tests are not touched.
describe('the event pipeline under faults', () => {
  it('loses no committed event, applies none twice and dead-letters none when Redis, PostgreSQL, the relay and a consumer are killed, PostgreSQL stays down long and another consumer is paused under load', async () => {
    // maxDeliveries x claim idle time = 3 s, far below the 12 s outage: failed deliveries
    // during it must not count, or healthy events would be dead-lettered.
    const report = await runPipelineFaults({
      rate: 300,
      downMs: 1_500,
      outageMs: 12_000,
      maxDeliveries: 3,
      gapMs: 1_500,
    });

    expect(report.recoveries.map((recovery) => recovery.fault)).toEqual([
      'redis',
      'postgresql',
      'postgresql outage',
      'relay',
      'consumer',
      'paused consumer',
    ]);
    // The outages happened under load: some appends failed, the rest were acknowledged and stored.
    expect(report.failed).toBeGreaterThan(0);
    expect(report.acknowledged).toBeGreaterThan(1_000);
    expect(report.stored).toBeGreaterThanOrEqual(report.acknowledged);
    expect(report).toMatchObject({
      lostCommits: 0,
      missingEffects: 0,
      duplicateEffects: 0,
      strayEffects: 0,
      deadLettered: 0,
    });
  }, 240_000);
});
