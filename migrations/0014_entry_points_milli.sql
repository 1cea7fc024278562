-- Entries keep their points as integer thousandths (points_milli), like the sums tables, instead of numeric(9,3):
-- the column added, filled from the old one, its checks moved over, the sums triggers' function reading it, the old
-- column dropped. Exact either way; one representation from the entry to the published rank. Hand-ordered: the new
-- checks are added after the fill.
ALTER TABLE "self_assessment_entries" DROP CONSTRAINT "self_assessment_entries_points";--> statement-breakpoint
ALTER TABLE "appraisal_entries" DROP CONSTRAINT "appraisal_entries_points";--> statement-breakpoint
ALTER TABLE "self_assessment_entries" ADD COLUMN "points_milli" integer;--> statement-breakpoint
ALTER TABLE "appraisal_entries" ADD COLUMN "points_milli" integer;--> statement-breakpoint
-- The fill rewrites every entry; the sums do not change, so their triggers are held off for it (the owner's session
-- only: session_replication_role is not available to others, who migrate as the owner anyway).
ALTER TABLE "self_assessment_entries" DISABLE TRIGGER USER;--> statement-breakpoint
ALTER TABLE "appraisal_entries" DISABLE TRIGGER USER;--> statement-breakpoint
UPDATE "self_assessment_entries" SET "points_milli" = ("points" * 1000)::integer WHERE "points" IS NOT NULL;--> statement-breakpoint
UPDATE "appraisal_entries" SET "points_milli" = ("points" * 1000)::integer WHERE "points" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "self_assessment_entries" ENABLE TRIGGER USER;--> statement-breakpoint
ALTER TABLE "appraisal_entries" ENABLE TRIGGER USER;--> statement-breakpoint
ALTER TABLE "self_assessment_entries" DROP COLUMN "points";--> statement-breakpoint
ALTER TABLE "appraisal_entries" DROP COLUMN "points";--> statement-breakpoint
ALTER TABLE "self_assessment_entries" ADD CONSTRAINT "self_assessment_entries_points" CHECK (("self_assessment_entries"."input" is null and "self_assessment_entries"."points_milli" is null and not "self_assessment_entries"."not_applicable")
    or ("self_assessment_entries"."input" is not null and "self_assessment_entries"."not_applicable" and "self_assessment_entries"."points_milli" is null)
    or ("self_assessment_entries"."input" is not null and not "self_assessment_entries"."not_applicable" and "self_assessment_entries"."points_milli" is not null and "self_assessment_entries"."points_milli" >= 0));--> statement-breakpointALTER TABLE "appraisal_entries" ADD CONSTRAINT "appraisal_entries_points" CHECK (("appraisal_entries"."not_applicable" and "appraisal_entries"."points_milli" is null) or (not "appraisal_entries"."not_applicable" and "appraisal_entries"."points_milli" is not null and "appraisal_entries"."points_milli" >= 0));--> statement-breakpoint
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
