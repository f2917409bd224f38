import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAddressPolicy, type AddressRule } from './address-policy.ts';

const strict = createAddressPolicy();
const ruleOf = (address: string, policy = strict) => policy.refusalOf(address)?.rule ?? 'allowed';

// IANA's IPv4 special-purpose registry (RFC 6890 and successors): an oracle written independently of ipaddr.js.
const specialV4 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.31.196.0', 24],
  ['192.52.193.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['192.175.48.0', 24],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  specialV4.addSubnet(network, prefix, 'ipv4');

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((octets) => octets.join('.'));

describe('the address policy', () => {
  it.each<[string, AddressRule | 'allowed']>([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['100.64.0.1', 'carrier-grade-nat'],
    ['100.127.255.255', 'carrier-grade-nat'],
    ['100.100.100.200', 'metadata'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['192.0.2.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fd00:ec2::254', 'metadata'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::7f00:1', 'reserved'],
    ['64:ff9b::7f00:1', 'reserved'],
    ['2002:7f00:1::', 'reserved'],
    ['not-an-ip', 'not-an-ip-address'],
    ['8.8.8.8', 'allowed'],
    ['93.184.216.34', 'allowed'],
    ['100.128.0.1', 'allowed'],
    ['172.32.0.1', 'allowed'],
    ['2606:4700:4700::1111', 'allowed'],
    ['::ffff:8.8.8.8', 'allowed'],
  ])('%s: %s', (address, rule) => {
    expect(ruleOf(address)).toBe(rule);
  });

  it('names the host it was asked about and the address it judged', () => {
    expect(strict.refusalOf('::ffff:7f00:1', 'rebind.example')).toEqual({
      host: 'rebind.example',
      address: '127.0.0.1',
      rule: 'loopback',
    });
  });

  it('opens allow-listed ranges but never link-local, metadata or unspecified addresses', () => {
    const dev = createAddressPolicy({ allowedCidrs: ['127.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', 'fd00::/8'] });
    expect(['127.0.0.1', '::ffff:127.0.0.1', '10.9.8.7', '100.64.0.1', 'fd00::1'].map((a) => ruleOf(a, dev))).toEqual(
      Array(5).fill('allowed'),
    );
    expect(
      ['::1', '192.168.0.1', '169.254.169.254', '100.100.100.200', 'fd00:ec2::254', '0.0.0.0', '169.254.0.1'].map((a) =>
        ruleOf(a, dev),
      ),
    ).toEqual(['loopback', 'private', 'metadata', 'metadata', 'metadata', 'unspecified', 'link-local']);
  });

  it('refuses exactly the IPv4 special-purpose ranges (IANA registry)', () => {
    fc.assert(
      fc.property(ipv4, (address) => (ruleOf(address) !== 'allowed') === specialV4.check(address, 'ipv4')),
      { numRuns: 20_000 },
    );
  });

  it('judges every IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    const dev = createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] });
    fc.assert(
      fc.property(
        ipv4,
        fc.constantFrom(strict, dev),
        (address, policy) => ruleOf(`::ffff:${address}`, policy) === ruleOf(address, policy),
      ),
    );
  });

  it('keeps link-local addresses refused whatever is allow-listed', () => {
    const linkLocal = fc.tuple(fc.nat(255), fc.nat(255)).map(([c, d]) => `169.254.${c}.${d}`);
    const cidr = fc.tuple(ipv4, fc.integer({ min: 8, max: 32 })).map(([address, bits]) => `${address}/${bits}`);
    fc.assert(
      fc.property(linkLocal, fc.array(cidr, { maxLength: 4 }), (address, allowedCidrs) =>
        ['link-local', 'metadata'].includes(ruleOf(address, createAddressPolicy({ allowedCidrs }))),
      ),
    );
  });
});
