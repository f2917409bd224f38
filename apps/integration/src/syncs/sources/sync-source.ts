import type { SyncMode } from '../sync.ts';

/** A record of a page as the sync keeps it. */
export interface FetchedRecord {
  /** The provider's id (unique within the sync). */
  externalId: string;
  /** `sha256:<hex>` of `fields`: the same fields, the same hash. */
  contentHash: string;
  /** What the sync keeps of the record, as canonical JSON (published as the record's fields). */
  fields: string;
}

/** A CRM record in HubSpot's CRM v3 shape, as domain-repository takes it. */
export interface CrmRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

/** One day of an ads platform's campaign metrics (money as decimal strings). */
export interface AdMetricsDay {
  date: string;
  currency: string;
  campaigns: {
    externalCampaignId: string;
    name: string | null;
    spend: string;
    clicks: number;
    impressions: number;
    conversions: string;
  }[];
}

export interface FetchedPage {
  records: FetchedRecord[];
  /** Where the page after this one starts; null after the last page. */
  next: string | null;
  /** The provider's id of the request (provenance). */
  requestId: string | null;
  /** Contacts: each record as it is forwarded to domain-repository, by external id. */
  crmRecords?: ReadonlyMap<string, CrmRecord>;
  /** Campaign metrics: the page's day. */
  adMetrics?: AdMetricsDay;
}

/** Where a new pass starts and (for dated sources) the last position it covers. */
export interface PassBounds {
  position: string | null;
  until: string | null;
}

/** A model of a provider, paged: what the runner needs to go through it. */
export interface SyncSource {
  /** The pass's first position, for a pass starting `today` (UTC date) after `watermark`. */
  bounds(mode: SyncMode, watermark: string | null, today: string): PassBounds;
  fetch(position: string | null, until: string | null): Promise<FetchedPage>;
  /** Full mode marks records a pass did not see as deleted (CRM records; not daily metrics). */
  readonly detectsDeletions: boolean;
  /** Changed records go to domain-repository's CRM ingestion before their page commits. */
  readonly forwardsToCrm: boolean;
}
