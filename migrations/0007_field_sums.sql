CREATE TABLE "self_assessment_field_sums" (
	"self_assessment_id" uuid NOT NULL,
	"field_code" text NOT NULL,
	"points_milli" bigint DEFAULT 0 NOT NULL,
	"entries" integer DEFAULT 0 NOT NULL,
	"answered" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "self_assessment_field_sums_self_assessment_id_field_code_pk" PRIMARY KEY("self_assessment_id","field_code")
);
--> statement-breakpoint
CREATE TABLE "appraisal_field_sums" (
	"appraisal_id" uuid NOT NULL,
	"field_code" text NOT NULL,
	"points_milli" bigint DEFAULT 0 NOT NULL,
	"entries" integer DEFAULT 0 NOT NULL,
	"answered" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "appraisal_field_sums_appraisal_id_field_code_pk" PRIMARY KEY("appraisal_id","field_code")
);
--> statement-breakpoint
ALTER TABLE "self_assessment_field_sums" ADD CONSTRAINT "self_assessment_field_sums_self_assessment_id_self_assessments_id_fk" FOREIGN KEY ("self_assessment_id") REFERENCES "public"."self_assessments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_field_sums" ADD CONSTRAINT "appraisal_field_sums_appraisal_id_appraisals_id_fk" FOREIGN KEY ("appraisal_id") REFERENCES "public"."appraisals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "self_assessment_entries_not_applicable" ON "self_assessment_entries" USING btree ("self_assessment_id") WHERE "self_assessment_entries"."not_applicable";--> statement-breakpoint
CREATE INDEX "appraisal_entries_not_applicable" ON "appraisal_entries" USING btree ("appraisal_id") WHERE "appraisal_entries"."not_applicable";