-- Byte-order collation for the Vietnamese sort key computed by the service.
ALTER TABLE "units" ALTER COLUMN "sort_key" TYPE text COLLATE "C";
--> statement-breakpoint
-- The audit log is append-only: no route, and no mistaken query, can rewrite history.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
INSERT INTO "unit_types" ("code", "name") VALUES
  ('department', 'Sở, ban, ngành cấp tỉnh'),
  ('district', 'UBND huyện, thị xã, thành phố');
