const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

/** The page holds no script or outside resource; the URL it is served at carried a code. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** What the browser shows when the connect flow named no page to return to. */
export function connectedPage(providerName: string, reconnected: boolean): string {
  const name = escapeHtml(providerName);
  const title = reconnected ? `${name} reconnected` : `${name} connected`;
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
<p>The connection to ${name} is in place. You can close this window.</p>
</main>
</body>
</html>
`;
}

/** The page to return to, told which connection the flow stored. */
export function returnUrl(returnTo: string, connectionId: string): string {
  const url = new URL(returnTo);
  url.searchParams.set('connectionId', connectionId);
  url.searchParams.set('status', 'connected');
  return url.href;
}
