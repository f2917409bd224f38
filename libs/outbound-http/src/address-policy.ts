import ipaddr from 'ipaddr.js';

/** Why an address is refused; `metadata` and the never-allowed ranges win over the allow-list. */
export type AddressRule =
  | 'metadata'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'loopback'
  | 'private'
  | 'carrier-grade-nat'
  | 'unique-local'
  | 'reserved'
  | 'not-an-ip-address';

/** An address (or host name) refused, with the rule that refused it. */
export interface Refusal {
  /** The host as the URL or the caller named it. */
  host: string;
  /** The address refused (for a host name refused by name, the name). */
  address: string;
  rule: AddressRule;
}

export interface AddressPolicy {
  /** The rule refusing `address` (IPv4, IPv6, IPv4-mapped IPv6), or null when it may be reached. */
  refusalOf(address: string, host?: string): Refusal | null;
}

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Instance metadata endpoints (AWS/GCP/Azure/OCI, ECS task metadata, AWS IPv6 IMDS and DNS,
 * Alibaba): most sit in ranges refused anyway, but an allow-listed private or CGNAT range must not
 * reopen them.
 */
export const METADATA_ADDRESSES: readonly string[] = [
  '169.254.169.254',
  '169.254.170.2',
  '169.254.169.253',
  'fd00:ec2::254',
  'fd00:ec2::253',
  'fd00:ec2::23',
  '100.100.100.200',
  '192.0.0.192',
];

/** Ranges no configuration may open: nothing a tenant should reach lives there. */
export const NEVER_ALLOWED: Readonly<
  Record<'link-local' | 'unspecified' | 'multicast' | 'broadcast', readonly string[]>
> = {
  'link-local': ['169.254.0.0/16', 'fe80::/10'],
  unspecified: ['0.0.0.0/8', '::/128'],
  multicast: ['224.0.0.0/4', 'ff00::/8'],
  broadcast: ['255.255.255.255/32'],
};

const RULE_OF_RANGE: Readonly<Record<string, AddressRule>> = {
  loopback: 'loopback',
  private: 'private',
  carrierGradeNat: 'carrier-grade-nat',
  uniqueLocal: 'unique-local',
};

// Global unicast IPv6 is 2000::/3; ipaddr.js calls everything it has no name for "unicast",
// including IPv4-compatible forms such as ::7f00:1, so IPv6 outside 2000::/3 is treated as reserved.
const GLOBAL_UNICAST_V6: Cidr = ipaddr.parseCIDR('2000::/3');
const metadata = METADATA_ADDRESSES.map((text) => ipaddr.parse(text).toNormalizedString());

/** The range name of an address after IPv4-mapped IPv6 is unwrapped (`process`). */
function rangeOf(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  const range = address.range();
  if (range !== 'unicast') return range;
  if (address.kind() === 'ipv6' && !address.match(GLOBAL_UNICAST_V6)) return 'reserved';
  return range;
}

const neverAllowed = Object.entries(NEVER_ALLOWED).flatMap(([rule, cidrs]) =>
  cidrs.map((cidr) => ({ rule: rule as AddressRule, cidr: ipaddr.parseCIDR(cidr) })),
);

/** True when the two CIDRs share an address: they agree on the shorter prefix. */
export function overlaps([a, aBits]: Cidr, [b, bBits]: Cidr): boolean {
  return a.kind() === b.kind() && a.match(b, Math.min(aBits, bBits));
}

/** The rule refusing `address` whatever the allow-list says (metadata, link-local, ...), or null. */
function neverAllowedRule(address: ipaddr.IPv4 | ipaddr.IPv6): AddressRule | null {
  if (metadata.includes(address.toNormalizedString())) return 'metadata';
  const bits = address.kind() === 'ipv4' ? 32 : 128;
  return neverAllowed.find(({ cidr }) => overlaps([address, bits], cidr))?.rule ?? null;
}

/**
 * Public unicast addresses pass; everything else is refused, unless it lies in `allowedCidrs`
 * (development: `127.0.0.0/8`) and is neither a metadata address nor in a never-allowed range
 * (link-local, unspecified, multicast, broadcast). IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is judged as
 * the IPv4 address it carries.
 */
export function createAddressPolicy(options: { allowedCidrs?: readonly string[] } = {}): AddressPolicy {
  const allowed: Cidr[] = (options.allowedCidrs ?? []).map((cidr) => ipaddr.parseCIDR(cidr));
  const inAllowList = (address: ipaddr.IPv4 | ipaddr.IPv6) =>
    allowed.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
  return {
    refusalOf(text, host = text) {
      if (!ipaddr.isValid(text)) return { host, address: text, rule: 'not-an-ip-address' };
      const address = ipaddr.process(text);
      const refuse = (rule: AddressRule): Refusal => ({ host, address: address.toString(), rule });
      const never = neverAllowedRule(address);
      if (never) return refuse(never);
      const range = rangeOf(address);
      if (range === 'unicast' || inAllowList(address)) return null;
      return refuse(RULE_OF_RANGE[range] ?? 'reserved');
    },
  };
}
