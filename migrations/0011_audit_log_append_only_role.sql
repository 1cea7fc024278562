-- The audit log is append-only for everyone but its owner: whatever other roles were granted on it (for example by the
-- default privileges that give the service's role its rights on every table), they keep SELECT and INSERT only. The
-- service's role is not the owner, so it cannot disable the append-only triggers either (that needs ownership).
DO $$
DECLARE grantee_name text;
BEGIN
  FOR grantee_name IN
    SELECT DISTINCT grantee FROM information_schema.role_table_grants
    WHERE table_schema = current_schema() AND table_name = 'audit_log' AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER')
      AND grantee NOT IN (current_user, 'PUBLIC')
      AND grantee <> (SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'audit_log')
  LOOP
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_log FROM %I', grantee_name);
  END LOOP;
END $$;--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_log FROM PUBLIC;
