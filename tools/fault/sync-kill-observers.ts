// What integration-sync-kill.ts observes the run with: the HubSpot pages fetched, a tap between
// the integration replicas and domain-repository that counts what each forwarded page got back,
// the replicas' resident memory, and what domain-repository stored and made of it.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { Pool } from 'undici';

export interface HubspotTap {
  url: string;
  /** Each list request carried to HubSpot: its `after` cursor and the status answered. */
  requests: { after: string | null; status: number }[];
  close(): Promise<void>;
}

/**
 * A tap in front of the HubSpot server process (apps/integration/src/testing/hubspot-server.ts,
 * run as a process: tools never import apps) noting every list request it carries.
 */
export async function startHubspotTap(target: string): Promise<HubspotTap> {
  const upstream = new Pool(target, { connections: 8 });
  const requests: HubspotTap['requests'] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const answer = await upstream.request({
        path: request.url ?? '/',
        method: 'GET',
        headers: { authorization: request.headers.authorization ?? '' },
      });
      const text = await answer.body.text();
      if (request.url?.includes('/crm/v3/objects/contacts'))
        requests.push({ after: new URL(request.url, target).searchParams.get('after'), status: answer.statusCode });
      const headers = Object.fromEntries(
        Object.entries(answer.headers).filter(
          ([name]) => !['connection', 'transfer-encoding', 'keep-alive'].includes(name),
        ),
      );
      response.writeHead(answer.statusCode, headers).end(text);
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502).end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      server.close();
      await upstream.close();
    },
  };
}

/**
 * The list requests HubSpot answered 200 (100 contacts a page, ids 1..N, none removed): the
 * records they carried, and the pages (numbered from 1) asked for twice and more than twice.
 */
export function fetchesOf(hubspot: Pick<HubspotTap, 'requests'>, contacts: number) {
  const byAfter = new Map<string | null, number>();
  let served = 0;
  for (const request of hubspot.requests.filter((r) => r.status === 200)) {
    byAfter.set(request.after, (byAfter.get(request.after) ?? 0) + 1);
    served += Math.min(100, contacts - (request.after === null ? 0 : Number(request.after) - 1));
  }
  const pageOf = (after: string | null) => (after === null ? 1 : (Number(after) - 1) / 100 + 1);
  const pages = (test: (n: number) => boolean) =>
    [...byAfter].filter(([, n]) => test(n)).map(([after]) => pageOf(after));
  const requests = [...byAfter.values()].reduce((sum, n) => sum + n, 0);
  return { requests, served, twice: pages((n) => n === 2), more: pages((n) => n > 2) };
}

export interface ForwardTap {
  url: string;
  /** How many times each page number was forwarded (both replicas, answered or not). */
  forwards: Map<number, number>;
  /** Records domain-repository answered as new, and as duplicates of a notification it had. */
  accepted(): number;
  duplicates(): number;
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Forwards every request to one of `targets` in turn (domain-repository's replicas, as a load
 * balancer would) unchanged, and notes the page (the sync's source marker) and
 * the 202's duplicate flags. A request whose sender is killed is still carried to its end: what
 * domain-repository stored then is what the resumed run forwards again.
 */
export async function startForwardTap(targets: readonly string[]): Promise<ForwardTap> {
  const upstreams = targets.map((target) => new Pool(target, { connections: 8 }));
  let turn = 0;
  const forwards = new Map<number, number>();
  let accepted = 0;
  let duplicates = 0;
  const server = createServer((request, response) => {
    void (async () => {
      const body = await bodyOf(request);
      const page = (JSON.parse(body.toString()) as { source?: { page?: number } }).source?.page;
      if (page !== undefined) forwards.set(page, (forwards.get(page) ?? 0) + 1);
      const answer = await upstreams[turn++ % upstreams.length]!.request({
        path: request.url ?? '/',
        method: request.method as 'POST',
        headers: { authorization: request.headers.authorization, 'content-type': request.headers['content-type'] },
        body,
      });
      const text = await answer.body.text();
      if (answer.statusCode === 202)
        for (const event of (JSON.parse(text) as { events: { duplicate: boolean }[] }).events)
          if (event.duplicate) duplicates += 1;
          else accepted += 1;
      response.writeHead(answer.statusCode, { 'content-type': 'application/json' }).end(text);
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502).end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwards,
    accepted: () => accepted,
    duplicates: () => duplicates,
    async close() {
      server.closeAllConnections();
      server.close();
      await Promise.all(upstreams.map((upstream) => upstream.close()));
    },
  };
}

/** Samples a process's resident set (Linux /proc) every `intervalMs`: its first and highest value, in MB. */
export function sampleRss(pid: number, intervalMs = 500) {
  const read = () => {
    try {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      return kb === undefined ? null : Number(kb) / 1024;
    } catch {
      return null; // exited
    }
  };
  let first: number | null = null;
  let peak = 0;
  const timer = setInterval(() => {
    const mb = read();
    if (mb === null) return;
    first ??= mb;
    peak = Math.max(peak, mb);
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return { firstMb: Math.round(first ?? 0), peakMb: Math.round(peak) };
    },
  };
}

export interface Stored {
  /** Notification rows of the tenant's HubSpot contacts, and the distinct contacts among them. */
  rows: number;
  distinct: number;
  /** Rows still waiting for the work queue, and rows that ended other than processed. */
  pending: number;
  notProcessed: number;
}

/** What domain-repository's CRM ingestion log holds for the tenant (owner connection: no RLS). */
export async function storedContacts(owner: pg.Pool, tenantId: string): Promise<Stored> {
  const { rows } = await owner.query<Stored>(
    `SELECT count(*)::int AS rows, count(DISTINCT external_ids[1])::int AS distinct,
            count(*) FILTER (WHERE status = 'accepted')::int AS pending,
            count(*) FILTER (WHERE status NOT IN ('accepted', 'processed'))::int AS "notProcessed"
     FROM domain_repository.crm_events WHERE tenant_id = $1 AND provider = 'hubspot'`,
    [tenantId],
  );
  return rows[0]!;
}

/**
 * Polls until the work queue has taken every stored notification (the status index only; the
 * whole count once at the end); fails after `idleMs` without progress.
 */
export async function untilProcessed(owner: pg.Pool, tenantId: string, idleMs = 120_000): Promise<Stored> {
  let last = -1;
  let since = performance.now();
  for (;;) {
    const { rows } = await owner.query<{ pending: number }>(
      `SELECT count(*)::int AS pending FROM domain_repository.crm_events WHERE status = 'accepted' AND tenant_id = $1`,
      [tenantId],
    );
    const { pending } = rows[0]!;
    if (pending === 0) return storedContacts(owner, tenantId);
    if (pending !== last) [last, since] = [pending, performance.now()];
    else if (performance.now() - since > idleMs)
      throw new Error(`${pending} notifications still unprocessed, none taken for ${idleMs} ms`);
    await sleep(2_000);
  }
}

export interface Leads {
  /** Contacts mapped to a lead, and among them those with exactly one lead.created, none, several. */
  contacts: number;
  once: number;
  never: number;
  twice: number;
  /** lead.created events of the tenant in all (one per contact when nothing was applied twice). */
  created: number;
}

/** Each contact's lead (external id map) and the lead.created events of its stream. */
export async function leadsOf(owner: pg.Pool, tenantId: string): Promise<Leads> {
  const { rows } = await owner.query<Leads>(
    `WITH created AS (SELECT aggregate_id, count(*) AS n FROM domain_repository_event_store.events
                      WHERE tenant_id = $1 AND type = 'lead.created' GROUP BY aggregate_id)
     SELECT count(*)::int AS contacts, count(*) FILTER (WHERE c.n = 1)::int AS once,
            count(*) FILTER (WHERE c.n IS NULL)::int AS never, count(*) FILTER (WHERE c.n > 1)::int AS twice,
            (SELECT coalesce(sum(n), 0)::int FROM created) AS created
     FROM domain_repository_event_store.external_ids x LEFT JOIN created c ON c.aggregate_id = x.internal_id
     WHERE x.tenant_id = $1 AND x.source = 'hubspot.contact'`,
    [tenantId],
  );
  return rows[0]!;
}
