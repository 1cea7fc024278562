ALTER TABLE "rounds" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
-- Every change to a round's row (its fields, a status move, and the changes of its catalogs and participants, which
-- touch its updated_at) moves its version on, whichever statement makes it: the ETag an edit names in If-Match.
CREATE FUNCTION rounds_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER rounds_version_bump BEFORE UPDATE ON rounds FOR EACH ROW EXECUTE FUNCTION rounds_version_bump();
