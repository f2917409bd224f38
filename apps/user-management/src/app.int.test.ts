import { inject } from 'vitest';
import { describeService } from '@bizosaas/service-kit/testing';
import { definition } from './app.ts';
import { TEST_SIGNING_KEY_ENCRYPTION_KEY } from './test-support.ts';

// The key has no default (it must never be one everybody knows); the worker URL is the test database's.
describeService(definition, undefined, {
  env: { SIGNING_KEY_ENCRYPTION_KEY: TEST_SIGNING_KEY_ENCRYPTION_KEY, WORKER_DATABASE_URL: inject('workerDatabaseUrl') },
});
