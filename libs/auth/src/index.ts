export * from './token-claims.ts';
export * from './principal.ts';
export * from './permissions.ts';
export * from './has-permission.ts';
export { tokenRejected, type TokenRejectionReason } from './token-rejection.ts';
export * from './jwks-verifier.ts';
export * from './bearer-token.ts';
export * from './auth-plugin.ts';
export * from './route-guards.ts';
