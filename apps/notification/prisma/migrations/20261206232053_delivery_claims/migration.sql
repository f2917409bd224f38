-- A claimed message carries its lease here, so a cancel can tell it from one merely scheduled for later.
-- AlterTable
ALTER TABLE "notification"."delivery_queue" ADD COLUMN     "claimed_until" TIMESTAMPTZ(3);
