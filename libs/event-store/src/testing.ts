// Test support for services built on the event store: sample projections (tests and benchmarks)
// and the projection spec (given events / when events / then rows, on the real PostgreSQL).
export { leadListProjection } from './projections/test-support/lead-list-projection.ts';
export {
  projectionSpec,
  type ProjectionRows,
  type ProjectionSpec,
  type ProjectionSpecOptions,
} from './projections/projection-spec.ts';
