-- A claimed enrolment's latest send (its branch facts) is read per recipient in every dispatch
-- round: without this index each lookup scans the campaign's sends.
CREATE INDEX "sends_recipient_latest" ON "campaign"."sends" ("tenant_id", "campaign_id", "contact_id", "reserved_at" DESC);
