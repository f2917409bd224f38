// A local server speaking Google Ads' REST `googleAds:searchStream` as the sync calls it:
// POST /v17/customers/{customerId}/googleAds:searchStream with a bearer token, `developer-token`
// and `login-customer-id`, body `{query}` (GAQL with `segments.date = 'YYYY-MM-DD'`), answered by a
// JSON array of batches `{results, fieldMask, requestId}`; int64 values as strings and zero
// metrics left out, as proto3 JSON does. Errors in Google's `{error: {code, message, status,
// details}}` form.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CampaignDay {
  campaignId: string;
  name: string;
  costMicros: string;
  clicks: number;
  impressions: number;
  conversions: number;
}

export interface GoogleAdsServer {
  baseUrl: string;
  accessToken: string;
  developerToken: string;
  customerId: string;
  /** Sets what a date's query answers (a day without rows answers a batch without results). */
  setDay(date: string, rows: readonly CampaignDay[]): void;
  /** Queries received: the customer, the date asked for, and the answer's status. */
  requests: { customerId: string; date: string | null; loginCustomerId: string | undefined; status: number }[];
  close(): Promise<void>;
}

const FIELD_MASK =
  'customer.currencyCode,campaign.resourceName,campaign.id,campaign.name,metrics.costMicros,metrics.clicks,metrics.impressions,metrics.conversions,segments.date';

function googleError(code: number, status: string, message: string, errorCode?: Record<string, string>) {
  return {
    error: {
      code,
      message,
      status,
      ...(errorCode && {
        details: [
          {
            '@type': 'type.googleapis.com/google.ads.googleads.v17.errors.GoogleAdsFailure',
            errors: [{ errorCode, message }],
            requestId: randomUUID().replace(/-/g, '').slice(0, 22),
          },
        ],
      }),
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

export async function startGoogleAdsServer(options: {
  customerId: string;
  currency?: string;
  loginCustomerId?: string;
}): Promise<GoogleAdsServer> {
  const accessToken = `ya29.test-${randomUUID()}`;
  const developerToken = `devtoken-${randomUUID().slice(0, 8)}`;
  const currency = options.currency ?? 'USD';
  const days = new Map<string, readonly CampaignDay[]>();
  const requests: GoogleAdsServer['requests'] = [];

  function row(date: string, day: CampaignDay) {
    const metrics: Record<string, string | number> = {};
    if (day.costMicros !== '0') metrics.costMicros = day.costMicros;
    if (day.clicks !== 0) metrics.clicks = String(day.clicks);
    if (day.impressions !== 0) metrics.impressions = String(day.impressions);
    if (day.conversions !== 0) metrics.conversions = day.conversions;
    return {
      customer: { resourceName: `customers/${options.customerId}`, currencyCode: currency },
      campaign: {
        resourceName: `customers/${options.customerId}/campaigns/${day.campaignId}`,
        id: day.campaignId,
        name: day.name,
      },
      metrics,
      segments: { date },
    };
  }

  async function searchStream(req: IncomingMessage, res: ServerResponse, customerId: string) {
    const send = (status: number, body: unknown, date: string | null = null) => {
      const loginCustomerId = req.headers['login-customer-id'] as string | undefined;
      requests.push({ customerId, date, loginCustomerId, status });
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'request-id': randomUUID() });
      res.end(text);
    };
    const text = await readBody(req);
    if (req.headers.authorization !== `Bearer ${accessToken}`)
      return send(401, googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'));
    if (req.headers['developer-token'] !== developerToken)
      return send(
        401,
        googleError(401, 'UNAUTHENTICATED', 'The developer token is not valid.', {
          authenticationError: 'DEVELOPER_TOKEN_INVALID',
        }),
      );
    const login = req.headers['login-customer-id'];
    if (customerId !== options.customerId || login !== (options.loginCustomerId ?? options.customerId))
      return send(
        403,
        googleError(403, 'PERMISSION_DENIED', 'The caller does not have permission', {
          authorizationError: 'USER_PERMISSION_DENIED',
        }),
      );
    let query: string;
    try {
      query = (JSON.parse(text) as { query: string }).query;
    } catch {
      return send(400, googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'));
    }
    const date = /segments\.date\s*=\s*'(\d{4}-\d{2}-\d{2})'/.exec(query ?? '')?.[1] ?? null;
    if (date === null || !/^SELECT .* FROM campaign\b/i.test(query))
      return send(
        400,
        googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', {
          queryError: 'UNEXPECTED_INPUT',
        }),
      );
    const rows = (days.get(date) ?? []).map((day) => row(date, day));
    const requestId = randomUUID().replace(/-/g, '').slice(0, 22);
    // Batches of up to 10,000 rows; an empty result is one batch without `results`.
    const batches = [];
    for (let start = 0; start < rows.length; start += 10_000)
      batches.push({ results: rows.slice(start, start + 10_000), fieldMask: FIELD_MASK, requestId });
    send(200, batches.length > 0 ? batches : [{ fieldMask: FIELD_MASK, requestId }], date);
  }

  const server = createServer((req, res) => {
    const match = /^\/v17\/customers\/(\d+)\/googleAds:searchStream$/.exec(
      new URL(req.url ?? '/', 'http://x').pathname,
    );
    if (req.method === 'POST' && match) return void searchStream(req, res, match[1]!);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(googleError(404, 'NOT_FOUND', 'Not found')));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accessToken,
    developerToken,
    customerId: options.customerId,
    requests,
    setDay: (date, rows) => void days.set(date, rows),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
