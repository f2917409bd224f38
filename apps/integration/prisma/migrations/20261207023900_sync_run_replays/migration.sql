-- A run is a sync pass or a replay of archived records; a replay keeps its window, the records
-- domain-repository already held, and the event-bus history cursor it resumes from.
-- AlterTable
ALTER TABLE "integration"."sync_runs" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'sync',
ADD COLUMN     "window_from" TIMESTAMPTZ(3),
ADD COLUMN     "window_to" TIMESTAMPTZ(3),
ADD COLUMN     "duplicates" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "archive_cursor" TEXT;
