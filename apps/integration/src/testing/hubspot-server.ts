// A local server speaking HubSpot's CRM v3 contacts list as the sync reads it:
// GET /crm/v3/objects/contacts?limit=&after=&properties= with a bearer token, pages ordered by id
// and linked by `paging.next.after`, 429 with Retry-After on chosen requests, an
// x-hubspot-correlation-id per answer. Contacts are generated from their number (deterministic),
// so 100,000 of them cost a few arrays; `update` and `remove` change them between runs.
// Run directly (`npx tsx apps/integration/src/testing/hubspot-server.ts <contacts>`), it prints
// `{"baseUrl", "accessToken"}` as a line and serves until stopped.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

const BASE_TIME = Date.UTC(2025, 0, 6, 9, 0, 0);
const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson'];
const TITLES = ['Engineer', 'Manager', 'Director', 'Analyst'];

export interface HubspotServer {
  baseUrl: string;
  accessToken: string;
  /** Contacts not removed. */
  count(): number;
  /** The ids of the contacts as the list pages them (1..N). */
  ids(): string[];
  /** Changes each contact's job title (and updatedAt): the next run sees an update. */
  update(ids: readonly string[]): void;
  /** Archives the contacts: the list leaves them out. */
  remove(ids: readonly string[]): void;
  /** Answers 429 (with Retry-After) to these list requests, counted from 1. */
  throttle(requestNumbers: readonly number[], retryAfterSeconds?: number): void;
  /** Answers `status` to the next `count` list requests. */
  failNext(count: number, status?: number): void;
  /** Answers every list request this much later (a slow provider). */
  delay(ms: number): void;
  /** List requests received so far, with their `after` and whether they were answered 200. */
  requests: { after: string | null; status: number }[];
  /** The contact as HubSpot returns it (every property the sync asks for). */
  contact(id: string): ReturnType<typeof contactOf>;
  close(): Promise<void>;
}

function contactOf(index: number, version: number) {
  const id = String(index + 1);
  const created = new Date(BASE_TIME + index * 1_000).toISOString();
  const updated = new Date(BASE_TIME + index * 1_000 + version * 3_600_000).toISOString();
  const title = `${TITLES[index % TITLES.length]}${version > 0 ? ` (rev ${version})` : ''}`;
  return {
    id,
    properties: {
      email: `contact${id}@example.com`,
      firstname: FIRST_NAMES[index % FIRST_NAMES.length]!,
      lastname: LAST_NAMES[Math.floor(index / FIRST_NAMES.length) % LAST_NAMES.length]!,
      phone: `+1 555 ${String(index % 10_000_000).padStart(7, '0')}`,
      company: `Company ${index % 97}`,
      jobtitle: title,
      hs_lead_status: index % 5 === 0 ? 'IN_PROGRESS' : 'NEW',
      hs_object_id: id,
      createdate: created,
      lastmodifieddate: updated,
    },
    createdAt: created,
    updatedAt: updated,
    archived: false,
  };
}

export async function startHubspotServer(
  options: { contacts: number; accessToken?: string } = { contacts: 0 },
): Promise<HubspotServer> {
  const total = options.contacts;
  const accessToken = options.accessToken ?? `hubspot-test-${randomUUID()}`;
  const versions = new Uint16Array(total);
  const removed = new Uint8Array(total);
  let removedCount = 0;
  const throttled = new Map<number, number>();
  let failures = { count: 0, status: 503 };
  let delayMs = 0;
  const requests: HubspotServer['requests'] = [];
  let baseUrl = '';

  function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json;charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'x-hubspot-correlation-id': randomUUID(),
      ...headers,
    });
    res.end(text);
  }

  function list(req: IncomingMessage, res: ServerResponse, url: URL) {
    const after = url.searchParams.get('after');
    const number = requests.length + 1;
    const refuse = (status: number, body: unknown, headers?: Record<string, string>) => {
      requests.push({ after, status });
      answer(res, status, body, headers);
    };
    if (req.headers.authorization !== `Bearer ${accessToken}`)
      return refuse(401, {
        status: 'error',
        message: 'Authentication credentials not found.',
        category: 'INVALID_AUTHENTICATION',
      });
    const retryAfter = throttled.get(number);
    if (retryAfter !== undefined)
      return refuse(
        429,
        {
          status: 'error',
          message: 'You have reached your secondly limit.',
          errorType: 'RATE_LIMIT',
          policyName: 'SECONDLY',
        },
        { 'retry-after': String(retryAfter) },
      );
    if (failures.count > 0) {
      failures = { ...failures, count: failures.count - 1 };
      return refuse(failures.status, { status: 'error', message: 'internal error', category: 'INTERNAL_ERROR' });
    }
    const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 10), 1), 100);
    let index = after === null ? 0 : Number(after) - 1;
    if (!Number.isInteger(index) || index < 0)
      return refuse(400, { status: 'error', message: 'Invalid after', category: 'VALIDATION_ERROR' });
    const results = [];
    for (; index < total && results.length < limit; index += 1)
      if (removed[index] === 0) results.push(contactOf(index, versions[index]!));
    while (index < total && removed[index] === 1) index += 1;
    const next = index < total ? String(index + 1) : null;
    requests.push({ after, status: 200 });
    answer(res, 200, {
      results,
      ...(next !== null && {
        paging: {
          next: { after: next, link: `${baseUrl}/crm/v3/objects/contacts?limit=${limit}&after=${next}` },
        },
      }),
    });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/crm/v3/objects/contacts') {
      if (delayMs > 0) return void setTimeout(() => list(req, res, url), delayMs);
      return list(req, res, url);
    }
    answer(res, 404, { status: 'error', message: 'Not found', category: 'OBJECT_NOT_FOUND' });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const indexOf = (id: string) => {
    const index = Number(id) - 1;
    if (!Number.isInteger(index) || index < 0 || index >= total) throw new Error(`no contact ${id}`);
    return index;
  };

  return {
    baseUrl,
    accessToken,
    requests,
    count: () => total - removedCount,
    ids: () => Array.from({ length: total }, (_, index) => String(index + 1)).filter((_, i) => removed[i] === 0),
    update(ids) {
      for (const index of ids.map(indexOf)) versions[index] = versions[index]! + 1;
    },
    remove(ids) {
      for (const id of ids) {
        const index = indexOf(id);
        if (removed[index] === 0) removedCount += 1;
        removed[index] = 1;
      }
    },
    throttle(numbers, retryAfterSeconds = 1) {
      for (const number of numbers) throttled.set(number, retryAfterSeconds);
    },
    failNext(count, status = 503) {
      failures = { count, status };
    },
    delay(ms) {
      delayMs = ms;
    },
    contact: (id) => contactOf(indexOf(id), versions[indexOf(id)]!),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await startHubspotServer({ contacts: Number(process.argv[2] ?? 1000) });
  console.log(JSON.stringify({ baseUrl: server.baseUrl, accessToken: server.accessToken }));
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}
