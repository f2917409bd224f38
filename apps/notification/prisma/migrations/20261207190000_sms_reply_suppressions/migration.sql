-- A STOP or START reply to the platform's Twilio number concerns that number in every tenant that
-- texted it (callbacks/sms-reply.ts): the worker role writes those suppressions across tenants,
-- and only those rows, an SMS number's 'unsubscribed' (a bounce or a complaint stays).
GRANT INSERT, DELETE ON "notification"."suppressions" TO bizosaas_worker;
CREATE POLICY "worker_sms_reply_insert" ON "notification"."suppressions" FOR INSERT TO bizosaas_worker
    WITH CHECK ("channel" = 'sms' AND "reason" = 'unsubscribed');
CREATE POLICY "worker_sms_reply_delete" ON "notification"."suppressions" FOR DELETE TO bizosaas_worker
    USING ("channel" = 'sms' AND "reason" = 'unsubscribed');
-- Which tenants texted a number, without scanning every tenant's messages; SMS rows only, so
-- email and in-app triggers pay nothing for it.
CREATE INDEX "messages_sms_address_idx" ON "notification"."messages" ("address") WHERE "channel" = 'sms';
