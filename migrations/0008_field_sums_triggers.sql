-- self_assessment_field_sums and appraisal_field_sums: per owner (self-assessment or appraisal) and field, the sums of
-- its entries, kept in step with every INSERT, UPDATE (old rows out, new rows in), DELETE and TRUNCATE of the entry
-- table by statement triggers over the changed rows only, so a bulk insert costs one grouped pass. Deltas are added
-- under the ON CONFLICT row locks, so concurrent writers stay exact. Arguments: the sums table, the owner column.
CREATE FUNCTION field_sums_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sums text := quote_ident(TG_ARGV[0]);
  owner text := quote_ident(TG_ARGV[1]);
  grouped text := format(
    'SELECT %1$s AS owner, field_code, coalesce(sum((points * 1000)::int8), 0) AS points_milli, count(*)::int AS entries,'
    ' count(input)::int AS answered FROM %%s GROUP BY %1$s, field_code ORDER BY %1$s, field_code', owner);
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    EXECUTE format('DELETE FROM %s', sums);
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    EXECUTE format(
      'UPDATE %1$s s SET points_milli = s.points_milli - o.points_milli, entries = s.entries - o.entries, answered = s.answered - o.answered'
      ' FROM (%3$s) o WHERE s.%2$s = o.owner AND s.field_code = o.field_code', sums, owner, format(grouped, 'old_entries'));
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format(
      'INSERT INTO %1$s AS s (%2$s, field_code, points_milli, entries, answered) %3$s'
      ' ON CONFLICT (%2$s, field_code) DO UPDATE SET points_milli = s.points_milli + excluded.points_milli,'
      ' entries = s.entries + excluded.entries, answered = s.answered + excluded.answered', sums, owner, format(grouped, 'new_entries'));
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER field_sums_insert AFTER INSERT ON "self_assessment_entries" REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION field_sums_apply('self_assessment_field_sums', 'self_assessment_id');
--> statement-breakpoint
CREATE TRIGGER field_sums_update AFTER UPDATE ON "self_assessment_entries" REFERENCING OLD TABLE AS old_entries NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION field_sums_apply('self_assessment_field_sums', 'self_assessment_id');
--> statement-breakpoint
CREATE TRIGGER field_sums_delete AFTER DELETE ON "self_assessment_entries" REFERENCING OLD TABLE AS old_entries
  FOR EACH STATEMENT EXECUTE FUNCTION field_sums_apply('self_assessment_field_sums', 'self_assessment_id');
--> statement-breakpoint
CREATE TRIGGER field_sums_truncate AFTER TRUNCATE ON "self_assessment_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION field_sums_apply('self_assessment_field_sums', 'self_assessment_id');
--> statement-breakpoint
CREATE TRIGGER field_sums_insert AFTER INSERT ON "appraisal_entries" REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION field_sums_apply('appraisal_field_sums', 'appraisal_id');
--> statement-breakpoint
CREATE TRIGGER field_sums_update AFTER UPDATE ON "appraisal_entries" REFERENCING OLD TABLE AS old_entries NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION field_sums_apply('appraisal_field_sums', 'appraisal_id');
--> statement-breakpoint
CREATE TRIGGER field_sums_delete AFTER DELETE ON "appraisal_entries" REFERENCING OLD TABLE AS old_entries
  FOR EACH STATEMENT EXECUTE FUNCTION field_sums_apply('appraisal_field_sums', 'appraisal_id');
--> statement-breakpoint
CREATE TRIGGER field_sums_truncate AFTER TRUNCATE ON "appraisal_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION field_sums_apply('appraisal_field_sums', 'appraisal_id');
--> statement-breakpoint
-- Entries written before this migration.
INSERT INTO self_assessment_field_sums (self_assessment_id, field_code, points_milli, entries, answered)
SELECT self_assessment_id, field_code, coalesce(sum((points * 1000)::int8), 0), count(*)::int, count(input)::int
FROM "self_assessment_entries" GROUP BY self_assessment_id, field_code;
--> statement-breakpoint
INSERT INTO appraisal_field_sums (appraisal_id, field_code, points_milli, entries, answered)
SELECT appraisal_id, field_code, coalesce(sum((points * 1000)::int8), 0), count(*)::int, count(input)::int
FROM "appraisal_entries" GROUP BY appraisal_id, field_code;
