import type { UnsubscribeLinkPayload } from '../links/link-payload.ts';

const CHANNEL_WORDS: Record<UnsubscribeLinkPayload['channel'], string> = {
  email: 'emails',
  sms: 'text messages',
  push: 'push notifications',
  in_app: 'in-app notifications',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

/** Pages hold no script or outside resource; their only form posts back to the page's own URL. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  // The token is in the URL: it is never sent on as a referrer nor kept in a cache.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style>
</head>
<body>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`;
}

function whatIsStopped(link: UnsubscribeLinkPayload): string {
  const what = `${escapeHtml(link.category)} ${CHANNEL_WORDS[link.channel]}`;
  return link.address !== undefined && link.userId === undefined ? `${what} to ${escapeHtml(link.address)}` : what;
}

/** What the link will stop, with the button that does it (RFC 8058: following the link alone changes nothing). */
export function confirmationPage(link: UnsubscribeLinkPayload): string {
  return page(
    'Unsubscribe',
    `<p>Stop receiving ${whatIsStopped(link)}?</p>
<form method="post">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button>
</form>`,
  );
}

export function unsubscribedPage(link: UnsubscribeLinkPayload): string {
  return page('You are unsubscribed', `<p>You will no longer receive ${whatIsStopped(link)}.</p>`);
}
