import { eventCatalogue } from '@bizosaas/event-schemas';

/** The catalogue's analysis types and subjects, as `ai.analysis_requested` carries them. */
export const analysisRequestedData = eventCatalogue['ai.analysis_requested'].data;
export const catalogueAnalysisType = analysisRequestedData.shape.analysisType;
export const analysisRequestedSubject = analysisRequestedData.shape.subject;
