CREATE TABLE "catalog_leaves" (
	"catalog_id" uuid NOT NULL,
	"code" text NOT NULL,
	"field_code" text NOT NULL,
	"max_points" numeric(9, 3) NOT NULL,
	"ordinal" integer NOT NULL,
	CONSTRAINT "catalog_leaves_catalog_id_code_pk" PRIMARY KEY("catalog_id","code")
);
--> statement-breakpoint
ALTER TABLE "catalog_leaves" ADD CONSTRAINT "catalog_leaves_catalog_id_catalogs_id_fk" FOREIGN KEY ("catalog_id") REFERENCES "public"."catalogs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "catalog_leaves_catalog_id_field_code_index" ON "catalog_leaves" USING btree ("catalog_id","field_code");--> statement-breakpoint
-- Written by hand: the one walk of a catalog's node tree, run when the catalog is published (by the service, in the
-- publishing transaction) and here for the catalogs published before this migration.
CREATE FUNCTION record_catalog_leaves(catalog uuid) RETURNS void LANGUAGE sql AS $$
  INSERT INTO catalog_leaves (catalog_id, code, field_code, max_points, ordinal)
  WITH RECURSIVE tree AS (
    SELECT n.id, n.code, n.code AS field_code, n.max_points, ARRAY[n.position] AS path, ARRAY[n.code] AS codes
    FROM catalog_nodes n WHERE n.catalog_id = catalog AND n.parent_id IS NULL
    UNION ALL
    SELECT c.id, c.code, t.field_code, c.max_points, t.path || c.position, t.codes || c.code
    FROM catalog_nodes c JOIN tree t ON c.parent_id = t.id
  )
  SELECT catalog, t.code, t.field_code, t.max_points, (row_number() OVER (ORDER BY t.path, t.codes))::int
  FROM tree t WHERE NOT EXISTS (SELECT 1 FROM catalog_nodes c WHERE c.parent_id = t.id)
$$;
--> statement-breakpoint
SELECT record_catalog_leaves(id) FROM catalogs WHERE status = 'published';
