import { load } from 'cheerio';
import type { OutboundHttp } from '@bizosaas/outbound-http';
import type { JsonObject } from '../crew.ts';

const MAX_TEXT = 20_000;

/**
 * A reference page's title and readable text, fetched through the outbound helper (SSRF guard).
 * Failures are answers the agent can read ({ error }), not crashes.
 */
export async function readReference(outbound: OutboundHttp, url: string, signal: AbortSignal): Promise<JsonObject> {
  try {
    const response = await outbound.request(url, {
      method: 'GET',
      signal,
      headers: { accept: 'text/html,text/plain;q=0.9' },
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = await response.body.text();
    if (response.statusCode >= 400) return { url, error: `HTTP ${response.statusCode}` };
    const page = load(text);
    page('script, style, noscript, svg').remove();
    return {
      url,
      title: page('title').first().text().trim().slice(0, 300),
      text: page('body').text().replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT),
    };
  } catch (error) {
    if (signal.aborted) throw error;
    return { url, error: (error as Error).message.slice(0, 300) };
  }
}
