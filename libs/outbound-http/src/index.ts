export * from './address-policy.ts';
export * from './allowed-cidrs.ts';
export * from './guarded-lookup.ts';
export * from './outbound-address-refused-error.ts';
export * from './outbound-http.ts';
export * from './outbound-url.ts';
