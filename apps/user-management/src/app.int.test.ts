import { expect, inject, it } from 'vitest';
import { describeService } from '@bizosaas/service-kit/testing';
import { definition } from './app.ts';
import { TEST_SIGNING_KEY_ENCRYPTION_KEY } from './test-support.ts';

// The key has no default (it must never be one everybody knows); the worker URL is the test database's.
describeService(
  definition,
  (getApp) => {
    it('shows the outbox backlog on /ready', async () => {
      const res = await getApp().inject({ url: '/ready' });
      expect(res.json().components.outbox).toMatchObject({
        status: 'up',
        details: { rows: expect.any(Number), oldestAgeSeconds: expect.any(Number) },
      });
    });
  },
  {
    env: {
      SIGNING_KEY_ENCRYPTION_KEY: TEST_SIGNING_KEY_ENCRYPTION_KEY,
      WORKER_DATABASE_URL: inject('workerDatabaseUrl'),
    },
    components: ['postgres', 'redis', 'outbox'],
  },
);
