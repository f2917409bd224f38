-- A rule's conditions on the event's data (its `when`).
-- AlterTable
ALTER TABLE "notification"."notification_rules" ADD COLUMN     "conditions" JSONB;
