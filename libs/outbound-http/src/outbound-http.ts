import { isIP } from 'node:net';
import { Agent, buildConnector, request, type Dispatcher } from 'undici';
import type { AddressPolicy, Refusal } from './address-policy.ts';
import { guardedLookup, systemResolve, type Resolve } from './guarded-lookup.ts';
import { OutboundAddressRefusedError, type RefusalStage } from './outbound-address-refused-error.ts';
import { urlRefusal, type UrlRefusal } from './outbound-url.ts';

export interface OutboundHttpOptions {
  policy: AddressPolicy;
  /** Resolution at connect time; the system resolver by default. */
  resolve?: Resolve;
  /** TCP (and TLS) connect timeout. Default 10 s. */
  connectTimeoutMs?: number;
  /** Kept-alive connections per origin. Default: no limit (undici's). */
  connectionsPerOrigin?: number;
  /** Told of every refusal (metrics, logs); the request fails with OutboundAddressRefusedError. */
  onRefused?: (refusal: UrlRefusal, stage: RefusalStage) => void;
}

export type OutboundRequestOptions = Omit<NonNullable<Parameters<typeof request>[1]>, 'dispatcher'>;

export interface OutboundHttp {
  /** undici `request` through the guarded agent. Redirects are not followed: a 3xx is the answer. */
  request(url: string | URL, options?: OutboundRequestOptions): Promise<Dispatcher.ResponseData<unknown>>;
  /** The guarded agent, for callers that need another undici API (stream, pipeline). */
  readonly dispatcher: Dispatcher;
  close(): Promise<void>;
}

/**
 * The one way the platform calls a URL a tenant chose (webhooks, connectors, agent tools, site
 * audits). The URL is checked before anything is sent (urlRefusal), and every connection is
 * checked again after resolution: the agent's connector refuses IP literals outside the policy
 * and resolves names through guardedLookup, so a name that resolves to a refused address by the
 * time of the connection (DNS rebinding) is never connected to.
 */
export function createOutboundHttp(options: OutboundHttpOptions): OutboundHttp {
  const onRefused = options.onRefused ?? (() => undefined);
  const connectRefused = (refusal: Refusal) => onRefused(refusal, 'connect');
  const connector = buildConnector({
    timeout: options.connectTimeoutMs ?? 10_000,
    lookup: guardedLookup(options.policy, options.resolve ?? systemResolve, connectRefused),
  });
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? null,
    connect(connectOptions, callback) {
      // net.connect skips `lookup` for an IP literal, so literals are judged here.
      const refusal = isIP(connectOptions.hostname) === 0 ? null : options.policy.refusalOf(connectOptions.hostname);
      if (!refusal) return connector(connectOptions, callback);
      connectRefused(refusal);
      callback(new OutboundAddressRefusedError(refusal, 'connect'), null);
    },
  });
  const checkUrl = rememberedUrlChecks(options.policy);
  return {
    dispatcher: agent,
    async request(url, requestOptions = {}) {
      const refusal = checkUrl(url);
      if (refusal) {
        onRefused(refusal, 'url');
        throw new OutboundAddressRefusedError(refusal, 'url');
      }
      return request(url, { ...requestOptions, dispatcher: agent });
    },
    close: () => agent.close(),
  };
}

/**
 * urlRefusal remembered per URL string: a verdict depends only on the URL and the (immutable)
 * policy, and a webhook URL is called again and again. Bounded: forgotten all at once when full.
 */
function rememberedUrlChecks(policy: AddressPolicy, capacity = 10_000): (url: string | URL) => UrlRefusal | null {
  const verdicts = new Map<string, UrlRefusal | null>();
  return (url) => {
    const key = String(url);
    const known = verdicts.get(key);
    if (known !== undefined) return known;
    const verdict = urlRefusal(key, policy);
    if (verdicts.size >= capacity) verdicts.clear();
    verdicts.set(key, verdict);
    return verdict;
  };
}
