CREATE TABLE "appraisal_assignments" (
	"round_id" uuid NOT NULL,
	"unit_type_code" text NOT NULL,
	"field_code" text NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "appraisal_assignments_round_id_unit_type_code_field_code_user_id_pk" PRIMARY KEY("round_id","unit_type_code","field_code","user_id")
);
--> statement-breakpoint
CREATE TABLE "appraisal_entries" (
	"appraisal_id" uuid NOT NULL,
	"leaf_code" text NOT NULL,
	"field_code" text NOT NULL,
	"input" jsonb NOT NULL,
	"points" numeric(9, 3),
	"not_applicable" boolean DEFAULT false NOT NULL,
	"reason" text,
	"appraised_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "appraisal_entries_appraisal_id_leaf_code_pk" PRIMARY KEY("appraisal_id","leaf_code"),
	CONSTRAINT "appraisal_entries_points" CHECK (("appraisal_entries"."not_applicable" and "appraisal_entries"."points" is null) or (not "appraisal_entries"."not_applicable" and "appraisal_entries"."points" is not null and "appraisal_entries"."points" >= 0))
);
--> statement-breakpoint
CREATE TABLE "appraisals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"round_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"status" text DEFAULT 'in_progress' NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"finalized_at" timestamp with time zone,
	"finalized_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "appraisals_status" CHECK ("appraisals"."status" in ('in_progress', 'finalized'))
);
--> statement-breakpoint
CREATE TABLE "supplement_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"round_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"leaf_codes" jsonb NOT NULL,
	"reason" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"answer" text,
	"answered_at" timestamp with time zone,
	"answered_by" uuid,
	"closed_at" timestamp with time zone,
	"closed_by" uuid,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplement_requests_status" CHECK ("supplement_requests"."status" in ('open', 'answered', 'closed', 'expired'))
);
--> statement-breakpoint
CREATE TABLE "historical_results" (
	"round_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"field_code" text NOT NULL,
	"self_points" numeric(9, 3) NOT NULL,
	"appraised_points" numeric(9, 3) NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"source" jsonb,
	CONSTRAINT "historical_results_round_id_unit_id_field_code_pk" PRIMARY KEY("round_id","unit_id","field_code")
);
--> statement-breakpoint
CREATE TABLE "result_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"round_id" uuid NOT NULL,
	"unit_type_code" text NOT NULL,
	"version" integer NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_by" uuid,
	"reason" text,
	"catalog_id" uuid NOT NULL,
	"input_hash" text NOT NULL,
	"snapshot" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "appraisal_assignments" ADD CONSTRAINT "appraisal_assignments_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_assignments" ADD CONSTRAINT "appraisal_assignments_unit_type_code_unit_types_code_fk" FOREIGN KEY ("unit_type_code") REFERENCES "public"."unit_types"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_assignments" ADD CONSTRAINT "appraisal_assignments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_entries" ADD CONSTRAINT "appraisal_entries_appraisal_id_appraisals_id_fk" FOREIGN KEY ("appraisal_id") REFERENCES "public"."appraisals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_entries" ADD CONSTRAINT "appraisal_entries_appraised_by_users_id_fk" FOREIGN KEY ("appraised_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisals" ADD CONSTRAINT "appraisals_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisals" ADD CONSTRAINT "appraisals_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisals" ADD CONSTRAINT "appraisals_finalized_by_users_id_fk" FOREIGN KEY ("finalized_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplement_requests" ADD CONSTRAINT "supplement_requests_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplement_requests" ADD CONSTRAINT "supplement_requests_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplement_requests" ADD CONSTRAINT "supplement_requests_answered_by_users_id_fk" FOREIGN KEY ("answered_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplement_requests" ADD CONSTRAINT "supplement_requests_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplement_requests" ADD CONSTRAINT "supplement_requests_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "historical_results" ADD CONSTRAINT "historical_results_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "historical_results" ADD CONSTRAINT "historical_results_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "result_versions" ADD CONSTRAINT "result_versions_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "result_versions" ADD CONSTRAINT "result_versions_unit_type_code_unit_types_code_fk" FOREIGN KEY ("unit_type_code") REFERENCES "public"."unit_types"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "result_versions" ADD CONSTRAINT "result_versions_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "appraisal_assignments_user_id_index" ON "appraisal_assignments" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "appraisal_entries_field_code_index" ON "appraisal_entries" USING btree ("field_code");--> statement-breakpoint
CREATE UNIQUE INDEX "appraisals_round_id_unit_id_index" ON "appraisals" USING btree ("round_id","unit_id");--> statement-breakpoint
CREATE INDEX "supplement_requests_round_id_unit_id_index" ON "supplement_requests" USING btree ("round_id","unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "result_versions_round_id_unit_type_code_version_index" ON "result_versions" USING btree ("round_id","unit_type_code","version");--> statement-breakpoint
CREATE INDEX "result_versions_round_id_index" ON "result_versions" USING btree ("round_id");