-- Written by hand. The gap report (services/progress.ts) shows whether each unit's appraisal is finalized, and after
-- transactions that wrote scores alone it reads again only the units whose sums they wrote: an appraisal's status
-- (finalized, reopened) therefore counts as more than scores, like its round, unit or id (migration 0017). Live
-- results do not read it; they read everything again once after a finalization.
DROP TRIGGER result_input_changed ON appraisals;
--> statement-breakpoint
CREATE TRIGGER result_input_changed AFTER DELETE OR TRUNCATE OR UPDATE OF id, round_id, unit_id, status ON appraisals
  FOR EACH STATEMENT EXECUTE FUNCTION result_input_changed();
