import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { AddressPolicy, Refusal } from './address-policy.ts';
import { OutboundAddressRefusedError } from './outbound-address-refused-error.ts';

/** Resolves a host name to every address it has (the system resolver by default; tests pass their own). */
export type Resolve = (hostname: string) => Promise<readonly LookupAddress[]>;

export const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, order: 'verbatim' }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    );
  });

/**
 * A `lookup` for net/tls.connect that resolves the name itself and hands the socket only
 * addresses the policy accepts, so what is checked is what is connected to (no second resolution
 * a rebinding DNS server could answer differently). A name with no acceptable address fails with
 * OutboundAddressRefusedError naming the first refused one.
 */
export function guardedLookup(
  policy: AddressPolicy,
  resolve: Resolve,
  onRefused: (refusal: Refusal) => void,
): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : undefined;
    resolve(hostname).then(
      (resolved) => {
        const verdict = judge(
          policy,
          hostname,
          resolved.filter((entry) => family === undefined || entry.family === family),
        );
        if ('refusal' in verdict) {
          onRefused(verdict.refusal);
          callback(new OutboundAddressRefusedError(verdict.refusal, 'connect'), '', 0);
        } else if (verdict.accepted.length === 0) {
          callback(
            Object.assign(new Error(`${hostname} has no IPv${family ?? ''} address`), { code: 'ENOTFOUND' }),
            '',
            0,
          );
        } else if (options.all) callback(null, [...verdict.accepted]);
        else callback(null, verdict.accepted[0]!.address, verdict.accepted[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

/** The acceptable addresses, or the first refusal when addresses exist but none is acceptable. */
function judge(
  policy: AddressPolicy,
  hostname: string,
  candidates: readonly LookupAddress[],
): { accepted: readonly LookupAddress[] } | { refusal: Refusal } {
  const refusals = candidates.map((entry) => policy.refusalOf(entry.address, hostname));
  const accepted = candidates.filter((_, index) => refusals[index] === null);
  const refusal = refusals.find((entry) => entry !== null);
  return accepted.length === 0 && refusal ? { refusal } : { accepted };
}
