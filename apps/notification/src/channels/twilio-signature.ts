import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Twilio's X-Twilio-Signature of a form POST: base64(HMAC-SHA1(authToken, url + every parameter
 * name followed by its value, names sorted)). `url` is the full URL Twilio requested, query
 * string included, exactly as configured (scheme, host, port).
 */
export function twilioSignature(authToken: string, url: string, params: Readonly<Record<string, string>>): string {
  const signed = Object.keys(params)
    .sort()
    .reduce((text, name) => text + name + params[name], url);
  return createHmac('sha1', authToken).update(signed, 'utf8').digest('base64');
}

export interface TwilioSignedRequest {
  authToken: string;
  url: string;
  /** The form-encoded POST parameters, all of them, as received. */
  params: Readonly<Record<string, string>>;
  /** The X-Twilio-Signature header; undefined when the request had none. */
  signature: string | undefined;
}

/** Whether Twilio signed a callback with this auth token; compared in constant time. */
export function verifyTwilioSignature(request: TwilioSignedRequest): boolean {
  if (request.signature === undefined) return false;
  const expected = Buffer.from(twilioSignature(request.authToken, request.url, request.params));
  const given = Buffer.from(request.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
