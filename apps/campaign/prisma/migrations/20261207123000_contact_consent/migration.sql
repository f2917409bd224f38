-- A customer's communication preferences (customer.created / customer.preferences_updated):
-- {"email", "sms", "phone", "marketing"} booleans. Null for leads, which state none.
ALTER TABLE "campaign"."contacts" ADD COLUMN "consent" JSONB;
