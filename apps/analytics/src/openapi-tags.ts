/** Descriptions of the OpenAPI document's tags (Swagger UI groups operations by them). */
export const openApiTags: Record<string, string> = {
  kpis: 'KPIs of a range in a time zone, overall or per campaign, now or as of an earlier log position.',
  funnels:
    "Funnels over subjects' journeys (ordered, strict or any order, step windows, exclusions, first/last-touch breakdowns), ad hoc or saved, now or as of a log position.",
  retention:
    'Retention cohorts by day, week or month in a time zone: how many subjects come back in each later period.',
  rebuild: 'Rebuild the projections from the log into a new generation, checked by checksum against the live one.',
  query:
    'Time series of counts, money sums and distinct subjects by bucket in any time zone, grouped and filtered by dimension, now or as of an earlier log position.',
  dashboards:
    'Saved dashboards of KPI, query, funnel and retention tiles, computed together as of one log position, cached until new events arrive.',
  reports:
    'CSV reports (events, KPIs, time series with a chart) built in the background, on demand or on a cron schedule; analytics.report_ready when one is ready.',
  lineage: 'The exact events behind any number: ids, types, subjects, times and correlation ids.',
};
