export { createLeadScoringCrew, type LeadScoringDeps } from './lead-scoring-crew.ts';
