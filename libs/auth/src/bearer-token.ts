import { tokenRejected } from './token-rejection.ts';

const bearer = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The token from an `Authorization: Bearer <token>` header (RFC 6750 syntax, scheme
 * case-insensitive); undefined when the header is absent. Any other credentials are refused
 * rather than ignored, so a misconfigured client learns why it is anonymous.
 */
export function readBearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const token = bearer.exec(header)?.[1];
  if (token === undefined) throw tokenRejected('malformed_header');
  return token;
}
