-- Roles of DESIGN.md §5 and the schema they work in. Roles are cluster-wide, so they are created
-- only when missing; the runner refuses to go on if any of them is superuser or BYPASSRLS.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'limena_owner') THEN
    CREATE ROLE limena_owner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'limena_app') THEN
    CREATE ROLE limena_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'limena_readonly') THEN
    CREATE ROLE limena_readonly LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'limena_maintenance') THEN
    CREATE ROLE limena_maintenance LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
  END IF;
  -- Migrations run as limena_owner (SET ROLE), so the migrating user must be a member.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
     AND NOT pg_has_role(current_user, 'limena_owner', 'MEMBER') THEN
    EXECUTE format('GRANT limena_owner TO %I', current_user);
  END IF;
END
$$;

CREATE SCHEMA IF NOT EXISTS limena AUTHORIZATION limena_owner;
REVOKE ALL ON SCHEMA limena FROM PUBLIC;
GRANT USAGE ON SCHEMA limena TO limena_app, limena_readonly, limena_maintenance;

SET LOCAL ROLE limena_owner;
SET LOCAL search_path = limena;

CREATE TABLE schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON schema_migrations TO limena_readonly;
