import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAddressPolicy } from './address-policy.ts';
import { outboundAllowedCidrs } from './allowed-cidrs.ts';
import { outboundUrl, urlRefusal } from './outbound-url.ts';

const strict = createAddressPolicy();
const dev = createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] });
const ruleOf = (url: string, policy = strict) => urlRefusal(url, policy)?.rule ?? 'allowed';

describe('urlRefusal', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://[::ffff:169.254.169.254]/', 'metadata'],
    ['http://[::ffff:a9fe:a9fe]/', 'metadata'],
    ['http://[fd00:ec2::254]/', 'metadata'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata'],
    ['http://METADATA.google.internal./', 'metadata'],
    ['http://127.0.0.1:8080/hooks', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[::ffff:7f00:1]/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://localhost:3000/', 'loopback'],
    ['http://LocalHost./', 'loopback'],
    ['http://api.localhost/', 'loopback'],
    ['http://0/', 'unspecified'],
    ['http://0.0.0.0:8009/', 'unspecified'],
    ['http://10.0.0.1/', 'private'],
    ['https://192.168.0.10/', 'private'],
    ['http://100.64.1.1/', 'carrier-grade-nat'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://[fe80::1]/', 'link-local'],
    ['ftp://example.com/', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['gopher://example.com/', 'scheme'],
    ['not a url', 'not-a-url'],
    ['https://hooks.example.com/in', 'allowed'],
    ['http://8.8.8.8/', 'allowed'],
    ['https://[2606:4700:4700::1111]/', 'allowed'],
    ['http://localhost.example.com/', 'allowed'],
  ])('%s: %s', (url, rule) => {
    expect(ruleOf(url)).toBe(rule);
  });

  it('lets the allow-list open loopback names and literals, never metadata', () => {
    expect(
      ['http://localhost:3000/', 'http://127.0.0.1/', 'http://2130706433/'].map((url) => ruleOf(url, dev)),
    ).toEqual(['allowed', 'allowed', 'allowed']);
    expect(
      ['http://[::1]/', 'http://169.254.169.254/', 'http://metadata.google.internal/'].map((url) => ruleOf(url, dev)),
    ).toEqual(['loopback', 'metadata', 'metadata']);
  });

  it('judges decimal, hex and octal IPv4 hosts as the dotted address URL parsing makes of them', () => {
    const value = fc.nat(0xffff_ffff);
    const dotted = (n: number) => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
    const forms = (n: number) => [
      String(n),
      `0x${n.toString(16)}`,
      dotted(n)
        .split('.')
        .map((octet) => `0${Number(octet).toString(8)}`)
        .join('.'),
    ];
    fc.assert(
      fc.property(value, (n) =>
        forms(n).every((form) => ruleOf(`http://${form}/`) === (strict.refusalOf(dotted(n))?.rule ?? 'allowed')),
      ),
    );
  });
});

describe('outboundUrl', () => {
  const body = z.object({ webhookUrl: outboundUrl(strict) });

  it('names the field and the reason', () => {
    const result = body.safeParse({ webhookUrl: 'http://169.254.169.254/latest/meta-data/' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['webhookUrl', 'must reach a public address: 169.254.169.254 is a cloud metadata address'],
    ]);
  });

  it('accepts a public https URL and refuses other schemes and overlong URLs', () => {
    expect(body.safeParse({ webhookUrl: 'https://hooks.example.com/in' }).success).toBe(true);
    expect(body.safeParse({ webhookUrl: 'ftp://hooks.example.com/in' }).error?.issues).toHaveLength(1);
    expect(body.safeParse({ webhookUrl: 'ftp://127.0.0.1/in' }).error?.issues).toHaveLength(1);
    expect(body.safeParse({ webhookUrl: `https://hooks.example.com/${'a'.repeat(2048)}` }).success).toBe(false);
  });
});

describe('outboundAllowedCidrs', () => {
  const env = z.object({ OUTBOUND_ALLOWED_CIDRS: outboundAllowedCidrs });
  const parse = (value?: string) => env.safeParse({ OUTBOUND_ALLOWED_CIDRS: value });

  it('reads a comma-separated list; unset is none', () => {
    expect(parse(' 127.0.0.0/8, 10.0.0.0/8 ,fd00::/8').data?.OUTBOUND_ALLOWED_CIDRS).toEqual([
      '127.0.0.0/8',
      '10.0.0.0/8',
      'fd00::/8',
    ]);
    expect(parse().data?.OUTBOUND_ALLOWED_CIDRS).toEqual([]);
  });

  it.each([
    ['169.254.0.0/16', '169.254.0.0/16 overlaps link-local addresses, which are never allowed'],
    ['169.0.0.0/8', '169.0.0.0/8 overlaps link-local addresses, which are never allowed'],
    ['0.0.0.0/0', '0.0.0.0/0 overlaps link-local addresses, which are never allowed'],
    ['::/0', '::/0 overlaps link-local addresses, which are never allowed'],
    ['127.0.0.1', '127.0.0.1 is not a CIDR (address/prefix length)'],
    ['::ffff:127.0.0.0/104', '::ffff:127.0.0.0/104 is IPv4-mapped IPv6: write the IPv4 CIDR'],
  ])('refuses %s', (value, message) => {
    expect(parse(value).error?.issues.map((issue) => issue.message)).toEqual([message]);
  });
});
