export * from './client/create-pg-adapter.ts';
export * from './client/check-database.ts';
export * from './tenancy/with-tenant.ts';
export { TENANT_COLUMN, TENANT_SETTING, tenantRlsStatements } from './migrations/tenant-rls.ts';
export { APP_ROLE, WORKER_ROLE } from './migrations/app-role.ts';
export { SERVICE_NAMES, type ServiceName } from './migrations/services.ts';
export {
  withTransaction,
  type IsolationLevel,
  type PgTransactionOptions,
  type TransactionTarget,
} from './transactions/with-transaction.ts';
