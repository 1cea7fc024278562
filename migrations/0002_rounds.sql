CREATE TABLE "evidence_links" (
	"self_assessment_id" uuid NOT NULL,
	"leaf_code" text NOT NULL,
	"file_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evidence_links_self_assessment_id_leaf_code_file_id_pk" PRIMARY KEY("self_assessment_id","leaf_code","file_id")
);
--> statement-breakpoint
CREATE TABLE "round_catalogs" (
	"round_id" uuid NOT NULL,
	"unit_type_code" text NOT NULL,
	"catalog_id" uuid NOT NULL,
	CONSTRAINT "round_catalogs_round_id_unit_type_code_pk" PRIMARY KEY("round_id","unit_type_code")
);
--> statement-breakpoint
CREATE TABLE "round_units" (
	"round_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"extension_until" timestamp with time zone,
	"extension_reason" text,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "round_units_round_id_unit_id_pk" PRIMARY KEY("round_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "rounds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"title" text NOT NULL,
	"year" integer NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"self_assessment_closes_at" timestamp with time zone,
	"appraisal_closes_at" timestamp with time zone,
	"supplement_closes_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rounds_code_unique" UNIQUE("code"),
	CONSTRAINT "rounds_status" CHECK ("rounds"."status" in ('draft', 'self_assessment', 'appraisal', 'finalized', 'published'))
);
--> statement-breakpoint
CREATE TABLE "self_assessment_entries" (
	"self_assessment_id" uuid NOT NULL,
	"leaf_code" text NOT NULL,
	"field_code" text NOT NULL,
	"input" jsonb,
	"points" numeric(9, 3),
	"not_applicable" boolean DEFAULT false NOT NULL,
	"explanation" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "self_assessment_entries_self_assessment_id_leaf_code_pk" PRIMARY KEY("self_assessment_id","leaf_code"),
	CONSTRAINT "self_assessment_entries_points" CHECK (("self_assessment_entries"."input" is null and "self_assessment_entries"."points" is null and not "self_assessment_entries"."not_applicable")
    or ("self_assessment_entries"."input" is not null and "self_assessment_entries"."not_applicable" and "self_assessment_entries"."points" is null)
    or ("self_assessment_entries"."input" is not null and not "self_assessment_entries"."not_applicable" and "self_assessment_entries"."points" is not null and "self_assessment_entries"."points" >= 0))
);
--> statement-breakpoint
CREATE TABLE "self_assessments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"round_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"catalog_id" uuid NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"submitted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "self_assessments_status" CHECK ("self_assessments"."status" in ('draft', 'submitted')),
	CONSTRAINT "self_assessments_submitted_at" CHECK (("self_assessments"."status" = 'submitted') = ("self_assessments"."submitted_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "evidence_links" ADD CONSTRAINT "evidence_links_self_assessment_id_self_assessments_id_fk" FOREIGN KEY ("self_assessment_id") REFERENCES "public"."self_assessments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_catalogs" ADD CONSTRAINT "round_catalogs_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_catalogs" ADD CONSTRAINT "round_catalogs_unit_type_code_unit_types_code_fk" FOREIGN KEY ("unit_type_code") REFERENCES "public"."unit_types"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_catalogs" ADD CONSTRAINT "round_catalogs_catalog_id_catalogs_id_fk" FOREIGN KEY ("catalog_id") REFERENCES "public"."catalogs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_units" ADD CONSTRAINT "round_units_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_units" ADD CONSTRAINT "round_units_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_assessment_entries" ADD CONSTRAINT "self_assessment_entries_self_assessment_id_self_assessments_id_fk" FOREIGN KEY ("self_assessment_id") REFERENCES "public"."self_assessments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_assessments" ADD CONSTRAINT "self_assessments_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_assessments" ADD CONSTRAINT "self_assessments_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_assessments" ADD CONSTRAINT "self_assessments_catalog_id_catalogs_id_fk" FOREIGN KEY ("catalog_id") REFERENCES "public"."catalogs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "evidence_links_file_id_index" ON "evidence_links" USING btree ("file_id");--> statement-breakpoint
CREATE INDEX "round_catalogs_catalog_id_index" ON "round_catalogs" USING btree ("catalog_id");--> statement-breakpoint
CREATE INDEX "round_units_unit_id_index" ON "round_units" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "rounds_year_index" ON "rounds" USING btree ("year");--> statement-breakpoint
CREATE UNIQUE INDEX "self_assessments_round_id_unit_id_index" ON "self_assessments" USING btree ("round_id","unit_id");