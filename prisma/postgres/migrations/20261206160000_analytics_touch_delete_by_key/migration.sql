-- Deleted touches (migration `analytics_first_touch`, trigger LeadFunnel_interaction_delete_touch)
-- recompute the first touch of the leads whose first touch was one of them, found by key. The
-- statement of `analytics_first_touch` compared each row of LeadFunnel with the deleted touches in a
-- subquery that named the row (`o."occurredAt" = f."mqlTouchAt"`): PostgreSQL ran it once per row of
-- LeadFunnel, a scan of the whole table for every statement that deleted a touch. At 1M leads,
-- deleting one lead (its touches go with it) took about 3 s, and deleting 200 leads 3.4 s of 3.6 s.
-- The deleted touches are now joined by the lead and the instant, which LeadFunnel's key finds.
-- Prisma's PostgreSQL driver adapter splits a migration at every semicolon: the function body is an
-- E'' string with \x3B for its semicolons and doubled quotes, and no comment holds a semicolon.

CREATE OR REPLACE FUNCTION "leadflow_first_touch_interactions_deleted"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM 1 FROM "LeadFunnel" f WHERE f."leadId" IN (SELECT o."leadId" FROM old_interactions o
    WHERE o."kind" IN (''call-logged'', ''email-sent'', ''meeting-booked'')) ORDER BY f."leadId" FOR NO KEY UPDATE\x3B
  UPDATE "LeadFunnel" f SET "mqlTouchAt" = "leadflow_first_touch_after"(f."leadId", f."mqlAt")
  FROM (SELECT DISTINCT o."leadId", o."occurredAt" FROM old_interactions o
    WHERE o."kind" IN (''call-logged'', ''email-sent'', ''meeting-booked'')) o
  WHERE f."leadId" = o."leadId" AND f."mqlTouchAt" = o."occurredAt"\x3B
  RETURN NULL\x3B
END ';
