-- The dispatcher's claim reads what it sends in the same statement (worker role, every tenant),
-- and drops queue entries of messages no longer scheduled.
GRANT SELECT ON "notification"."messages", "notification"."suppressions", "notification"."digests" TO bizosaas_worker;
CREATE POLICY "worker_read" ON "notification"."messages" FOR SELECT TO bizosaas_worker USING (true);
CREATE POLICY "worker_read" ON "notification"."suppressions" FOR SELECT TO bizosaas_worker USING (true);
CREATE POLICY "worker_read" ON "notification"."digests" FOR SELECT TO bizosaas_worker USING (true);
GRANT DELETE ON "notification"."delivery_queue" TO bizosaas_worker;
