export { itServesTheOpsContract } from './ops-contract.ts';
export { describeService } from './describe-service.ts';
export { openApiProblems } from './openapi-problems.ts';
export { metricValue } from './metric-value.ts';
export { eventually } from './eventually.ts';
