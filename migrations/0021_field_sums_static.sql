-- Written by hand. field_sums_apply (migrations 0008, 0014, 0017) built its statements as text and ran them with
-- EXECUTE, so PostgreSQL parsed and planned both of them again on every write of entries. Measured with pgbench on a
-- save's own writes (version bump, 3 entries upserted, audit row): 540-550 transactions/s on one connection and
-- 1,290-1,340 on ten. Each sums table now has its own trigger function with the statements written out (static SQL,
-- whose plans PL/pgSQL keeps for the session, transition tables included): 700-730 and 1,800-1,960. Same arithmetic,
-- same written_xid, same order of rows (owner, field) under the ON CONFLICT locks. The two functions are written from
-- one text here, once, at migration time.
DO $migration$
DECLARE
  pair text[];
BEGIN
  FOREACH pair SLICE 1 IN ARRAY ARRAY[
    ['self_assessment_entries', 'self_assessment_field_sums', 'self_assessment_id'],
    ['appraisal_entries', 'appraisal_field_sums', 'appraisal_id']
  ] LOOP
    EXECUTE format($function$
      CREATE FUNCTION %2$s_apply() RETURNS trigger LANGUAGE plpgsql AS $body$
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          DELETE FROM %2$I;
          RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          UPDATE %2$I s SET points_milli = s.points_milli - o.points_milli, entries = s.entries - o.entries,
            answered = s.answered - o.answered, written_xid = pg_current_xact_id()
          FROM (SELECT %3$I AS owner, field_code, coalesce(sum(points_milli::int8), 0) AS points_milli, count(*)::int AS entries,
              count(input)::int AS answered
            FROM old_entries GROUP BY %3$I, field_code ORDER BY %3$I, field_code) o
          WHERE s.%3$I = o.owner AND s.field_code = o.field_code;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          INSERT INTO %2$I AS s (%3$I, field_code, points_milli, entries, answered)
          SELECT %3$I, field_code, coalesce(sum(points_milli::int8), 0), count(*)::int, count(input)::int
          FROM new_entries GROUP BY %3$I, field_code ORDER BY %3$I, field_code
          ON CONFLICT (%3$I, field_code) DO UPDATE SET points_milli = s.points_milli + excluded.points_milli,
            entries = s.entries + excluded.entries, answered = s.answered + excluded.answered, written_xid = pg_current_xact_id();
        END IF;
        RETURN NULL;
      END;
      $body$$function$, pair[1], pair[2], pair[3]);
    EXECUTE format('DROP TRIGGER field_sums_insert ON %I', pair[1]);
    EXECUTE format('DROP TRIGGER field_sums_update ON %I', pair[1]);
    EXECUTE format('DROP TRIGGER field_sums_delete ON %I', pair[1]);
    EXECUTE format('DROP TRIGGER field_sums_truncate ON %I', pair[1]);
    EXECUTE format('CREATE TRIGGER field_sums_insert AFTER INSERT ON %I REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION %s_apply()', pair[1], pair[2]);
    EXECUTE format('CREATE TRIGGER field_sums_update AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_entries NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION %s_apply()', pair[1], pair[2]);
    EXECUTE format('CREATE TRIGGER field_sums_delete AFTER DELETE ON %I REFERENCING OLD TABLE AS old_entries FOR EACH STATEMENT EXECUTE FUNCTION %s_apply()', pair[1], pair[2]);
    EXECUTE format('CREATE TRIGGER field_sums_truncate AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION %s_apply()', pair[1], pair[2]);
  END LOOP;
END;
$migration$;
--> statement-breakpoint
DROP FUNCTION field_sums_apply();
