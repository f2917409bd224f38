// A local server speaking the Salesforce REST API's sObject read (the part ingestion uses), so the
// production client is exercised over real HTTP: GET /services/data/vXX.X/sobjects/{type}/{id}.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSalesforce {
  baseUrl: string;
  accessToken: string;
  /** Records by id, as the API returns them (fields at the top level). */
  records: Map<string, Record<string, unknown>>;
  /** Requests seen: method, path and Authorization header. */
  requests: { path: string; authorization: string | undefined }[];
  /** Answer the next `count` reads with this status (e.g. 503) before serving records again. */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
  res.end(JSON.stringify(body));
};

export async function startFakeSalesforce(accessToken = '00Dxx0000001gPL!AQ4AQFakeToken'): Promise<FakeSalesforce> {
  const records = new Map<string, Record<string, unknown>>();
  const requests: FakeSalesforce['requests'] = [];
  let failures = { count: 0, status: 503 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
    if (failures.count > 0) {
      failures.count -= 1;
      return json(res, failures.status, [
        { errorCode: 'SERVER_UNAVAILABLE', message: 'Service temporarily unavailable' },
      ]);
    }
    if (req.headers.authorization !== `Bearer ${accessToken}`) {
      return json(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    const match = /^\/services\/data\/v(\d{2}\.\d)\/sobjects\/(\w+)\/(\w+)$/.exec(req.url ?? '');
    if (req.method !== 'GET' || !match)
      return json(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    const [, version, type, id] = match;
    const record = records.get(id!);
    if (!record || (record.attributes as { type: string }).type !== type) {
      return json(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    }
    return json(res, 200, {
      ...record,
      attributes: { type, url: `/services/data/v${version}/sobjects/${type}/${id}` },
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    accessToken,
    records,
    requests,
    failNext: (count, status) => (failures = { count, status }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A Lead as the REST API returns it (the compound Name flattened into FirstName/LastName). */
export function salesforceLead(id: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    attributes: { type: 'Lead' },
    Id: id,
    FirstName: 'Ada',
    LastName: 'Lovelace',
    Name: 'Ada Lovelace',
    Email: `ada.${id.toLowerCase()}@example.com`,
    Company: 'Analytical Engines Ltd',
    Title: 'CTO',
    Phone: '+44 20 7946 0000',
    Status: 'Open - Not Contacted',
    LeadSource: 'Web',
    ...fields,
  };
}
