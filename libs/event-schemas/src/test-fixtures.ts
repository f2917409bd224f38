import type { Actor } from './envelope.ts';

/** Shared values for this lib's tests (not exported from the package). */
export const tenantId = '3f2b8a4e-6c1d-4e9f-a7b5-0c9d8e7f6a5b';
export const userActor: Actor = { type: 'user', id: '7a1c3e5f-2b4d-4f6a-8c0e-1d3f5a7b9c2e' };
export const fixedClock = () => new Date('2025-01-10T12:00:00.000Z');

let counter = 0;
/** Deterministic, valid UUIDv7s for tests that need stable ids. */
export function nextTestId(): string {
  counter += 1;
  return `0194500c-a000-7000-8000-${counter.toString(16).padStart(12, '0')}`;
}
