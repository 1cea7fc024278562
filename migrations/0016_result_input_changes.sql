CREATE TABLE "result_input_changes" (
	"xid" "xid8" PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE "result_input_horizon" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"xid" "xid8" NOT NULL
);
--> statement-breakpoint
-- Written by hand. Every transaction that writes to a table live results are computed from leaves its id in
-- result_input_changes (one row per transaction, whatever it wrote): the statement triggers below, on exactly the
-- tables the results service reads. A table added to those reads needs the trigger too (test/results-live-reuse.test.ts).
ALTER TABLE "result_input_horizon" ADD CONSTRAINT "result_input_horizon_one_row" CHECK ("id" = 1);
--> statement-breakpoint
INSERT INTO "result_input_horizon" ("id", "xid") VALUES (1, pg_snapshot_xmin(pg_current_snapshot()));
--> statement-breakpoint
CREATE FUNCTION result_input_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_input_changes (xid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DO $$
DECLARE
  input text;
BEGIN
  FOREACH input IN ARRAY ARRAY['rounds', 'unit_types', 'units', 'round_units', 'round_catalogs', 'catalogs', 'catalog_nodes',
    'catalog_leaves', 'self_assessments', 'self_assessment_entries', 'self_assessment_field_sums', 'appraisals',
    'appraisal_entries', 'appraisal_field_sums', 'historical_results', 'result_versions'] LOOP
    EXECUTE format('CREATE TRIGGER result_input_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I'
      ' FOR EACH STATEMENT EXECUTE FUNCTION result_input_changed()', input);
  END LOOP;
END;
$$;
