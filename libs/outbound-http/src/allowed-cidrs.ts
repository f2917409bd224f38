import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { NEVER_ALLOWED, overlaps } from './address-policy.ts';

/**
 * `OUTBOUND_ALLOWED_CIDRS` for an app's config.ts: comma-separated CIDRs outbound calls may reach
 * although they are not public (development sets `127.0.0.0/8`); unset means none. A CIDR that
 * overlaps a never-allowed range (link-local, unspecified, multicast, broadcast) stops the service,
 * so `0.0.0.0/0` cannot open everything.
 */
export const outboundAllowedCidrs = z
  .string()
  .default('')
  .transform((text, context) => {
    const cidrs = text
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
    for (const cidr of cidrs) {
      const problem = cidrProblem(cidr);
      if (problem) context.addIssue({ code: 'custom', message: `${cidr} ${problem}` });
    }
    return cidrs;
  });

function cidrProblem(cidr: string): string | null {
  if (!ipaddr.isValidCIDR(cidr)) return 'is not a CIDR (address/prefix length)';
  const parsed = ipaddr.parseCIDR(cidr);
  // Resolved addresses are judged unwrapped, so a mapped CIDR would never match anything.
  if (parsed[0].kind() === 'ipv6' && (parsed[0] as ipaddr.IPv6).isIPv4MappedAddress())
    return 'is IPv4-mapped IPv6: write the IPv4 CIDR';
  for (const [rule, cidrs] of Object.entries(NEVER_ALLOWED)) {
    if (cidrs.some((never) => overlaps(parsed, ipaddr.parseCIDR(never))))
      return `overlaps ${rule} addresses, which are never allowed`;
  }
  return null;
}
