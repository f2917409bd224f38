export * from './create-service.ts';
export * from './start-service.ts';
export * from './error-response.ts';
export { mapError } from './error-handler.ts';
export { runCheck, type ReadinessCheck } from './probes.ts';
export * from './platform-dependencies.ts';
export * from './run-platform-service.ts';
export { runPeriodically, type PeriodicJob } from './run-periodically.ts';
