export { itServesTheOpsContract } from './ops-contract.ts';
