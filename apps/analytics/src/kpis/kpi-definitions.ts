import { Decimal } from 'decimal.js';

/** Figures read for a range: events and decimal sums per type, current states, ads spend. */
export interface KpiInputs {
  readonly counts: ReadonlyMap<string, number>;
  /** type -> currency -> decimal string */
  readonly sums: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly customersAtRisk: number;
  readonly campaignsActive: number;
  /** currency -> decimal string */
  readonly spend: ReadonlyMap<string, string>;
}

export interface Money {
  amount: string;
  currency: string;
}

/** A customer whose churn risk (0-100) is at least this is at risk. */
export const AT_RISK_THRESHOLD = 70;

/**
 * The KPIs, defined once: what each counts, which event types it is made of (its lineage), and
 * how a ratio is formed. A rate is a decimal string with 4 places, null when its denominator is 0.
 */
export const KPI_DEFINITIONS = {
  leadsCreated: { kind: 'count', types: ['lead.created'] },
  leadsContacted: { kind: 'count', types: ['lead.contacted'] },
  leadsQualified: { kind: 'count', types: ['lead.qualified'] },
  leadsConverted: { kind: 'count', types: ['lead.converted'] },
  leadsLost: { kind: 'count', types: ['lead.lost'] },
  leadsDisqualified: { kind: 'count', types: ['lead.disqualified'] },
  qualificationRate: { kind: 'rate', of: ['leadsQualified', 'leadsCreated'] },
  conversionRate: { kind: 'rate', of: ['leadsConverted', 'leadsCreated'] },
  revenue: { kind: 'sum', types: ['lead.converted'] },
  customersCreated: { kind: 'count', types: ['customer.created'] },
  purchases: { kind: 'count', types: ['customer.purchase_recorded'] },
  purchaseValue: { kind: 'sum', types: ['customer.purchase_recorded'] },
  customersAtRisk: { kind: 'state', types: ['customer.churn_risk_updated'] },
  campaignsLaunched: { kind: 'count', types: ['campaign.launched'] },
  campaignsActive: {
    kind: 'state',
    types: [
      'campaign.created',
      'campaign.scheduled',
      'campaign.launched',
      'campaign.resumed',
      'campaign.paused',
      'campaign.completed',
    ],
  },
  spend: { kind: 'spend', types: ['integration.ad_metrics_synced'] },
  costPerAcquisition: { kind: 'cost_per', of: ['spend', 'leadsConverted'] },
  returnOnAdSpend: { kind: 'money_ratio', of: ['revenue', 'spend'] },
  aiAnalysesCompleted: { kind: 'count', types: ['ai.analysis_completed'] },
  aiAnalysesFailed: { kind: 'count', types: ['ai.analysis_failed'] },
  notificationsSent: { kind: 'count', types: ['notification.sent'] },
  notificationsDelivered: { kind: 'count', types: ['notification.delivered'] },
  notificationsOpened: { kind: 'count', types: ['notification.opened'] },
  notificationsClicked: { kind: 'count', types: ['notification.clicked'] },
  notificationsBounced: { kind: 'count', types: ['notification.bounced'] },
  deliveryRate: { kind: 'rate', of: ['notificationsDelivered', 'notificationsSent'] },
} as const satisfies Record<string, KpiDefinition>;

type KpiDefinition =
  | { kind: 'count' | 'sum' | 'state' | 'spend'; types: readonly string[] }
  | { kind: 'rate' | 'cost_per' | 'money_ratio'; of: readonly [string, string] };

export type KpiName = keyof typeof KPI_DEFINITIONS;
export const KPI_NAMES = Object.keys(KPI_DEFINITIONS) as KpiName[];

/** The event types whose events make up a KPI (a ratio: both of its parts). */
export function kpiEventTypes(name: KpiName): string[] {
  const definition: KpiDefinition = KPI_DEFINITIONS[name];
  if ('types' in definition) return [...definition.types];
  return definition.of.flatMap((part) => kpiEventTypes(part as KpiName));
}

/** Every event type some KPI reads. */
export const KPI_EVENT_TYPES = [...new Set(KPI_NAMES.flatMap(kpiEventTypes))];

const rate = (numerator: number, denominator: number) =>
  denominator === 0 ? null : new Decimal(numerator).div(denominator).toFixed(4);
const moneyList = (byCurrency: ReadonlyMap<string, string> | undefined): Money[] =>
  [...(byCurrency ?? new Map<string, string>())]
    .filter(([currency]) => currency !== '')
    .map(([currency, amount]) => ({ amount: new Decimal(amount).toFixed(2), currency }))
    .sort((a, b) => a.currency.localeCompare(b.currency));

/** Computes every KPI from the inputs (pure; decimal arithmetic throughout). */
export function computeKpis(inputs: KpiInputs) {
  const count = (name: KpiName) => {
    const definition: KpiDefinition = KPI_DEFINITIONS[name];
    return 'types' in definition ? definition.types.reduce((sum, type) => sum + (inputs.counts.get(type) ?? 0), 0) : 0;
  };
  const revenue = moneyList(inputs.sums.get('lead.converted'));
  const spend = moneyList(inputs.spend);
  const converted = count('leadsConverted');
  const counts = Object.fromEntries(
    KPI_NAMES.filter((name) => KPI_DEFINITIONS[name].kind === 'count').map((name) => [name, count(name)]),
  ) as Record<KpiName, number>;
  return {
    ...counts,
    qualificationRate: rate(counts.leadsQualified, counts.leadsCreated),
    conversionRate: rate(counts.leadsConverted, counts.leadsCreated),
    deliveryRate: rate(counts.notificationsDelivered, counts.notificationsSent),
    revenue,
    purchaseValue: moneyList(inputs.sums.get('customer.purchase_recorded')),
    customersAtRisk: inputs.customersAtRisk,
    campaignsActive: inputs.campaignsActive,
    spend,
    costPerAcquisition:
      converted === 0
        ? []
        : spend.map((s) => ({ amount: new Decimal(s.amount).div(converted).toFixed(2), currency: s.currency })),
    returnOnAdSpend: spend
      .filter((s) => !new Decimal(s.amount).isZero() && revenue.some((r) => r.currency === s.currency))
      .map((s) => ({
        ratio: new Decimal(revenue.find((r) => r.currency === s.currency)?.amount ?? 0).div(s.amount).toFixed(4),
        currency: s.currency,
      })),
  };
}
