export { itServesTheOpsContract } from './ops-contract.ts';
export { describeService, type ServiceUnderTest } from './describe-service.ts';
