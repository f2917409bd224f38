/** Why a fetch gave no answer. ADDRESS_REFUSED: the outbound policy would not connect there. */
export type FetchErrorCode =
  | 'TIMEOUT'
  | 'ADDRESS_REFUSED'
  | 'CONNECTION_REFUSED'
  | 'DNS_FAILURE'
  | 'TLS_ERROR'
  | 'TOO_MANY_REDIRECTS'
  | 'BAD_REDIRECT'
  | 'NETWORK_ERROR';

const TLS_CODES = /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/;

/** The failure's code from undici's, Node's and the outbound helper's error codes. */
export function fetchErrorCode(error: unknown): FetchErrorCode {
  const raw = (error as { code?: unknown }).code;
  const code = typeof raw === 'string' ? raw : '';
  const name = (error as { name?: unknown }).name;
  if (code === 'OUTBOUND_ADDRESS_REFUSED') return 'ADDRESS_REFUSED';
  if (code.endsWith('_TIMEOUT') || code === 'ETIMEDOUT' || name === 'TimeoutError') return 'TIMEOUT';
  if (code === 'ECONNREFUSED') return 'CONNECTION_REFUSED';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') return 'DNS_FAILURE';
  if (TLS_CODES.test(code)) return 'TLS_ERROR';
  return 'NETWORK_ERROR';
}
