// Sample projections for tests and benchmarks of services built on the event store.
export { leadListProjection } from './projections/test-support/lead-list-projection.ts';
