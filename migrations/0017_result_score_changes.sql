ALTER TABLE "self_assessment_field_sums" ADD COLUMN "written_xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "appraisal_field_sums" ADD COLUMN "written_xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "result_input_changes" ADD COLUMN "other" boolean DEFAULT true NOT NULL;--> statement-breakpoint
CREATE INDEX "self_assessment_field_sums_written_xid_index" ON "self_assessment_field_sums" USING btree ("written_xid");--> statement-breakpoint
CREATE INDEX "appraisal_field_sums_written_xid_index" ON "appraisal_field_sums" USING btree ("written_xid");--> statement-breakpoint
-- Written by hand from here. Live results after a write that changed scores alone read only the units whose scores it
-- changed (services/results/compute.ts): each sums row carries the transaction that last wrote it (written_xid, set by
-- field_sums_apply on every write to an entry of its field), and result_input_changes.other tells a transaction that
-- wrote anything else a result is computed from. Scores alone: entries and their sums written row by row, a
-- self-assessment or appraisal created or written in columns results do not read (its version, status, times). Any
-- other write, a TRUNCATE, a deleted self-assessment or appraisal (its sums go with it), or a change of its round, unit
-- or catalog, is `other`: the next read reads every input. Of two triggers on one statement, `other` wins.
CREATE OR REPLACE FUNCTION result_input_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_input_changes (xid, other) VALUES (pg_current_xact_id(), true)
    ON CONFLICT (xid) DO UPDATE SET other = true WHERE NOT result_input_changes.other;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION result_scores_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_input_changes (xid, other) VALUES (pg_current_xact_id(), false) ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DO $$
DECLARE
  scores text;
  owner text;
BEGIN
  FOREACH scores IN ARRAY ARRAY['self_assessment_entries', 'self_assessment_field_sums', 'appraisal_entries', 'appraisal_field_sums'] LOOP
    EXECUTE format('DROP TRIGGER result_input_changed ON %I', scores);
    EXECUTE format('CREATE TRIGGER result_input_changed AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION result_input_changed()', scores);
    EXECUTE format('CREATE TRIGGER result_scores_changed AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH STATEMENT EXECUTE FUNCTION result_scores_changed()', scores);
  END LOOP;
  FOREACH owner IN ARRAY ARRAY['self_assessments', 'appraisals'] LOOP
    EXECUTE format('DROP TRIGGER result_input_changed ON %I', owner);
    EXECUTE format('CREATE TRIGGER result_input_changed AFTER DELETE OR TRUNCATE OR UPDATE OF %s ON %I FOR EACH STATEMENT EXECUTE FUNCTION result_input_changed()',
      CASE owner WHEN 'self_assessments' THEN 'id, round_id, unit_id, catalog_id' ELSE 'id, round_id, unit_id' END, owner);
    EXECUTE format('CREATE TRIGGER result_scores_changed AFTER INSERT OR UPDATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION result_scores_changed()', owner);
  END LOOP;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION field_sums_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sums text := quote_ident(TG_ARGV[0]);
  owner text := quote_ident(TG_ARGV[1]);
  grouped text := format(
    'SELECT %1$s AS owner, field_code, coalesce(sum(points_milli::int8), 0) AS points_milli, count(*)::int AS entries,'
    ' count(input)::int AS answered FROM %%s GROUP BY %1$s, field_code ORDER BY %1$s, field_code', owner);
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    EXECUTE format('DELETE FROM %s', sums);
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    EXECUTE format(
      'UPDATE %1$s s SET points_milli = s.points_milli - o.points_milli, entries = s.entries - o.entries, answered = s.answered - o.answered,'
      ' written_xid = pg_current_xact_id() FROM (%3$s) o WHERE s.%2$s = o.owner AND s.field_code = o.field_code', sums, owner, format(grouped, 'old_entries'));
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format(
      'INSERT INTO %1$s AS s (%2$s, field_code, points_milli, entries, answered) %3$s'
      ' ON CONFLICT (%2$s, field_code) DO UPDATE SET points_milli = s.points_milli + excluded.points_milli,'
      ' entries = s.entries + excluded.entries, answered = s.answered + excluded.answered, written_xid = pg_current_xact_id()',
      sums, owner, format(grouped, 'new_entries'));
  END IF;
  RETURN NULL;
END;
$$;
