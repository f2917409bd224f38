import { idempotencyStoreContract } from '../testing/idempotency-store-contract.ts';
import { createInMemoryIdempotencyStore } from './in-memory-idempotency-store.ts';

idempotencyStoreContract('in memory', async () => ({ store: createInMemoryIdempotencyStore() }));
