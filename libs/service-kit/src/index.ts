export * from './create-service.ts';
export * from './start-service.ts';
export * from './error-response.ts';
export { mapError } from './error-handler.ts';
export { ComponentDownError, runCheck, type ComponentReport, type ReadinessCheck } from './probes.ts';
export { createConsumerMonitor, type ConsumerMonitor } from './consumer-monitor.ts';
export * from './platform-dependencies.ts';
export * from './run-platform-service.ts';
export { runPeriodically, type PeriodicJob } from './run-periodically.ts';
