export { idempotencyStoreContract } from './idempotency-store-contract.ts';
