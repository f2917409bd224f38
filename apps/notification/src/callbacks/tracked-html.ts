// Open and click tracking of an HTML email body: a pixel, and links through the tracking route.

/** The longest token a tracking link carries: the service's maxParamLength (app.ts). */
export const MAX_TOKEN_LENGTH = 2048;

/** The tracking route's public URL of a signed token. */
export function trackingUrl(baseUrl: string, kind: 'open' | 'click', token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/v1/notifications/track/${kind}/${encodeURIComponent(token)}`;
}

/** The invisible image whose loading reports an open. */
export const openPixel = (src: string) => `<img src="${src}" width="1" height="1" alt="">`;

/** `html` with `element` before its closing `</body>`, or at its end when it has none. */
export function appendToBody(html: string, element: string): string {
  const close = html.search(/<\/body\s*>(?![\s\S]*<\/body\s*>)/i);
  return close === -1 ? html + element : html.slice(0, close) + element + html.slice(close);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The URL an href attribute's text stands for (templates escape `&` as `&amp;`). */
export function decodeAttribute(text: string): string {
  return text.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos));/gi, (entity, dec, hex, name) => {
    if (name) return ENTITIES[String(name).toLowerCase()] ?? entity;
    const code = dec ? Number(dec) : parseInt(String(hex), 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}

// An <a> or <area> start tag; stylesheets (<link href>) and the like must load, not be tracked.
const LINK_TAG = /<(?:a|area)\b[^>]*>/gi;
const HTTP_HREF = /(\shref\s*=\s*)(?:"\s*(https?:\/\/[^"]*?)\s*"|'\s*(https?:\/\/[^']*?)\s*')/i;

/**
 * `html` with the http(s) href of every link replaced by `track(url)` (the decoded URL the link
 * stands for); a link `track` answers null for keeps its href. Each distinct URL is asked once.
 */
export async function rewriteLinks(html: string, track: (url: string) => Promise<string | null>): Promise<string> {
  const urls = new Set<string>();
  for (const [tag] of html.matchAll(LINK_TAG)) {
    const href = HTTP_HREF.exec(tag);
    if (href) urls.add(decodeAttribute(href[2] ?? href[3] ?? ''));
  }
  const tracked = new Map<string, string | null>();
  for (const url of urls) tracked.set(url, await track(url));
  return html.replace(LINK_TAG, (tag) =>
    tag.replace(HTTP_HREF, (attribute, assign: string, double?: string, single?: string) => {
      const replacement = tracked.get(decodeAttribute(double ?? single ?? ''));
      return replacement ? `${assign}"${replacement}"` : attribute;
    }),
  );
}
