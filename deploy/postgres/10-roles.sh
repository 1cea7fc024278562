#!/bin/sh
# Creates the service's two database roles on the first start of the PostgreSQL container (docker-entrypoint-initdb.d):
#   par_owner  owns the database and its schemas; migrations run as it (MIGRATION_DATABASE_URL);
#   par_app    what the service works as (DATABASE_URL): reads and writes the data, but is no owner, so it can neither
#              alter tables nor disable the audit log's triggers, and on audit_log it may only SELECT and INSERT
#              (migration 0011 takes the rest away).
# The same SQL, with other role names, is what test/database-roles.test.ts runs.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE par_owner LOGIN PASSWORD '${PAR_OWNER_PASSWORD}';
CREATE ROLE par_app LOGIN PASSWORD '${PAR_APP_PASSWORD}';
ALTER DATABASE "${POSTGRES_DB}" OWNER TO par_owner;
ALTER SCHEMA public OWNER TO par_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO par_app;
CREATE SCHEMA drizzle AUTHORIZATION par_owner;
GRANT USAGE ON SCHEMA drizzle TO par_app;
ALTER DEFAULT PRIVILEGES FOR ROLE par_owner IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO par_app;
ALTER DEFAULT PRIVILEGES FOR ROLE par_owner IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO par_app;
ALTER DEFAULT PRIVILEGES FOR ROLE par_owner IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO par_app;
ALTER DEFAULT PRIVILEGES FOR ROLE par_owner IN SCHEMA drizzle GRANT SELECT ON TABLES TO par_app;
-- The job queue (pg-boss): its schema, tables and one table per queue are created by migrations as par_owner.
CREATE SCHEMA pgboss AUTHORIZATION par_owner;
GRANT USAGE ON SCHEMA pgboss TO par_app;
ALTER DEFAULT PRIVILEGES FOR ROLE par_owner IN SCHEMA pgboss GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO par_app;
ALTER DEFAULT PRIVILEGES FOR ROLE par_owner IN SCHEMA pgboss GRANT EXECUTE ON FUNCTIONS TO par_app;
SQL
