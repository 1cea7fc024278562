-- A published version of results is immutable: a correction is a new version, never an edit of an old one.
CREATE FUNCTION result_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'result_versions is immutable: publish a new version instead';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER result_versions_no_update BEFORE UPDATE OR DELETE ON "result_versions"
  FOR EACH ROW EXECUTE FUNCTION result_versions_immutable();
--> statement-breakpoint
CREATE TRIGGER result_versions_no_truncate BEFORE TRUNCATE ON "result_versions"
  FOR EACH STATEMENT EXECUTE FUNCTION result_versions_immutable();
