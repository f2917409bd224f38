import { afterAll, beforeAll, describe } from 'vitest';
import { itServesTheOpsContract } from '@bizosaas/service-kit/testing';
import { startTestApp, type TestApp } from './test-support.ts';

// The ops contract on the app as main.ts builds it.
describe('campaign', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });
  itServesTheOpsContract('campaign', () => t.app, ['postgres', 'redis', 'consumers', 'outbox']);
});
