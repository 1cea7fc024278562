ALTER TABLE "self_assessments" ADD COLUMN "written_xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "appraisals" ADD COLUMN "written_xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
-- Written by hand from here. Each self-assessment and appraisal row carries the transaction that last wrote it, as
-- each sums row does (migration 0017): progress shows a unit's status, version and times, which a write of scores
-- alone may change without touching a sums row (a submission, a version bumped), so after such writes it reads again
-- the units whose owner rows or sums rows the kept answer's snapshot could not see (services/progress.ts). Not
-- indexed: an index on a column every save changes would end the version bump's HOT updates, and the round's rows are
-- found through its own index.
CREATE FUNCTION owner_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.written_xid := pg_current_xact_id();
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER owner_written BEFORE INSERT OR UPDATE ON self_assessments FOR EACH ROW EXECUTE FUNCTION owner_written();
--> statement-breakpoint
CREATE TRIGGER owner_written BEFORE INSERT OR UPDATE ON appraisals FOR EACH ROW EXECUTE FUNCTION owner_written();
