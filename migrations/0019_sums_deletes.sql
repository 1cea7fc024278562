-- Written by hand. A sums row deleted leaves no written_xid behind for the live results and the gap report to find
-- the unit by (migration 0017): sums rows go only with their self-assessment or appraisal (a deletion that counts as
-- more than scores already) or with a TRUNCATE, but a DELETE on a sums table now counts as more than scores itself.
DO $$
DECLARE
  sums text;
BEGIN
  FOREACH sums IN ARRAY ARRAY['self_assessment_field_sums', 'appraisal_field_sums'] LOOP
    EXECUTE format('DROP TRIGGER result_input_changed ON %I', sums);
    EXECUTE format('DROP TRIGGER result_scores_changed ON %I', sums);
    EXECUTE format('CREATE TRIGGER result_input_changed AFTER DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION result_input_changed()', sums);
    EXECUTE format('CREATE TRIGGER result_scores_changed AFTER INSERT OR UPDATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION result_scores_changed()', sums);
  END LOOP;
END;
$$;
