import type { GlobalCheckpoint } from '@bizosaas/event-store';

/** What building a report produced: the CSV bytes, its data rows, an optional chart and the position it is as of. */
export interface ReportOutput {
  csv: Buffer;
  rows: number;
  chartSvg: string | null;
  checkpoint: GlobalCheckpoint | null;
}
