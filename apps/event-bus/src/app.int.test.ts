import { itServesTheOpsContract } from '@bizosaas/service-kit/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { eventBusFixture, type EventBusFixture } from './test-support.ts';

// Built like describeService builds the others, plus the background workers /ready also reports
// (its own stream namespace: the consumers start with the app).
describe('event-bus', () => {
  let fx: EventBusFixture;
  beforeAll(async () => {
    fx = await eventBusFixture('ops');
  });
  afterAll(() => fx.close());
  itServesTheOpsContract('event-bus', () => fx.app, ['postgres', 'redis', 'delivery-worker', 'archive', 'consumers']);
});
