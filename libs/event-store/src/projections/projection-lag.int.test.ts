import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installProjection } from './install-projection.ts';
import { createProjectionManager } from './projection-manager.ts';
import { projectionLag } from './projection-lag.ts';
import { leadListProjection } from './test-support/lead-list-projection.ts';
import { projectionFixture, waitFor, type ProjectionFixture } from './test-support/projection-fixture.ts';

let fx: ProjectionFixture;
beforeAll(async () => {
  fx = await projectionFixture('projlag', 6);
});
afterAll(async () => {
  await fx.drop();
});

describe('projectionLag', () => {
  it('reports how far each projection is behind the head of the log, and 0 once caught up', async () => {
    await installProjection(fx.worker, fx.schema, leadListProjection);
    await fx.appendLead(randomUUID(), randomUUID(), 0, 4);
    expect(await projectionLag(fx.worker, fx.schema)).toEqual([
      { projection: leadListProjection.name, position: 0, lag: 4 },
    ]);

    const manager = createProjectionManager({
      pool: fx.worker,
      schema: fx.schema,
      projections: [leadListProjection],
      pollIntervalMs: 20,
    });
    await manager.start();
    await waitFor(async () => (await projectionLag(fx.worker, fx.schema))[0]?.lag === 0, 'the projection to catch up');
    await manager.stop();
    expect((await projectionLag(fx.worker, fx.schema))[0]?.position).toBeGreaterThanOrEqual(4);
  });
});
