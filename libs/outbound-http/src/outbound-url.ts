import { isIP } from 'node:net';
import { z } from 'zod';
import type { AddressPolicy, AddressRule, Refusal } from './address-policy.ts';

/** Names that reach a cloud metadata service whatever they resolve to. */
const METADATA_NAMES: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.internal',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** A URL refused before any connection: its scheme, or a host the policy refuses by address or by name. */
export type UrlRefusal = Refusal | { host: string; address: string; rule: 'scheme' | 'not-a-url' };

/**
 * What is wrong with `url` as a target of outbound HTTP, or null. Checks what can be told without
 * DNS: the scheme (http, https), IP literals (URL parsing has already turned decimal, octal and
 * hex IPv4 forms into dotted quads) and names that are loopback (`localhost`, `*.localhost`,
 * RFC 6761) or metadata by definition. Every other name is checked at connect time.
 */
export function urlRefusal(url: string | URL, policy: AddressPolicy): UrlRefusal | null {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return { host: String(url), address: String(url), rule: 'not-a-url' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return { host: parsed.host, address: parsed.protocol, rule: 'scheme' };
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  if (isIP(host) !== 0) return policy.refusalOf(host);
  const name = host.toLowerCase().replace(/\.$/, '');
  if (METADATA_NAMES.has(name)) return { host: name, address: name, rule: 'metadata' };
  if (name === 'localhost' || name.endsWith('.localhost')) {
    const refusal = policy.refusalOf('127.0.0.1', name);
    return refusal && { ...refusal, address: name };
  }
  return null;
}

const RULE_TEXT: Readonly<Record<AddressRule | 'scheme' | 'not-a-url', string>> = {
  metadata: 'a cloud metadata address',
  'link-local': 'a link-local address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  loopback: 'a loopback address',
  private: 'a private address',
  'carrier-grade-nat': 'a carrier-grade NAT address',
  'unique-local': 'a unique-local address',
  reserved: 'a reserved address',
  'not-an-ip-address': 'not an IP address',
  scheme: 'not http or https',
  'not-a-url': 'not a URL',
};

/** One sentence naming what was refused and why, e.g. `169.254.169.254 is a cloud metadata address`. */
export function describeRefusal(refusal: UrlRefusal): string {
  return `${refusal.address} is ${RULE_TEXT[refusal.rule]}`;
}

/**
 * A zod string schema for a URL the platform will call on a tenant's behalf: an http(s) URL of at
 * most 2048 characters that `urlRefusal` accepts, so a request schema names the field with the
 * reason (`must reach a public address: 169.254.169.254 is a cloud metadata address`).
 */
export function outboundUrl(policy: AddressPolicy) {
  return z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .superRefine((value, context) => {
      const refusal = urlRefusal(value, policy);
      // z.url has already reported a bad scheme or an unparsable URL.
      if (refusal && refusal.rule !== 'scheme' && refusal.rule !== 'not-a-url')
        context.addIssue({ code: 'custom', message: `must reach a public address: ${describeRefusal(refusal)}` });
    });
}
