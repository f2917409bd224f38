export * from './signing-keys.ts';
export * from './jwks-server.ts';
export * from './oauth-server.ts';
