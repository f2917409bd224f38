import { fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import {
  OutboundAddressRefusedError,
  urlRefusal,
  type AddressPolicy,
  type OutboundHttp,
} from '@bizosaas/outbound-http';

/** The fetch the OpenAI client is given (its `fetch` option). */
export type ClientFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * A fetch through the platform's outbound helper: the URL is judged by the address policy before
 * anything is sent (when a policy is given), and the connection goes through the guarded agent,
 * which judges the resolved address again at connect time (DNS rebinding). The LLM's URL is a
 * tenant's choice, so it is called like any other tenant URL.
 */
export function outboundFetch(outbound: OutboundHttp, policy?: AddressPolicy): ClientFetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const refusal = policy ? urlRefusal(url, policy) : null;
    if (refusal) throw new OutboundAddressRefusedError(refusal, 'url');
    // Redirects are not followed (as with the outbound helper's request): a 3xx is the answer, so a
    // tenant's server cannot bounce the call, key and all, to an address that was never checked.
    const response = await undiciFetch(url, {
      ...(init as UndiciRequestInit),
      redirect: 'manual',
      dispatcher: outbound.dispatcher,
    });
    // The installed undici is not the copy inside Node: its Response is another class. The client
    // gets a global Response over the same body stream (nothing is copied).
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers],
    });
  };
}
