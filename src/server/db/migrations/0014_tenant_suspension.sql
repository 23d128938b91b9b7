-- Operators suspend and restore a tenant, and delete one (issue 14). A suspended tenant keeps its
-- data and its members, but neither its members nor its API keys reach it until it is restored;
-- operators still do, to look and to restore. tenant_status answers, in the opening round trip of
-- every tenant request, whether the tenant is live, suspended (and since when) or gone.
SET LOCAL ROLE limena_owner;
SET LOCAL search_path = limena;

ALTER TABLE tenants ADD COLUMN suspended_at timestamptz;
GRANT UPDATE (suspended_at, deleted_at, updated_at) ON tenants TO limena_maintenance;

-- 'live', 'suspended' or NULL (no such tenant, or deleted).
CREATE FUNCTION tenant_status(p_tenant_id uuid) RETURNS text
LANGUAGE plpgsql STABLE SECURITY INVOKER
AS $$
BEGIN
  RETURN (SELECT CASE WHEN t.suspended_at IS NULL THEN 'live' ELSE 'suspended' END
            FROM limena.tenants t WHERE t.id = p_tenant_id AND t.deleted_at IS NULL);
END
$$;
REVOKE ALL ON FUNCTION tenant_status FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenant_status TO limena_app, limena_readonly;

-- Operators see a person's active sessions with where they were used from (issue 14: find a user,
-- see their sessions, end one), and end one session (its refresh-token family) as maintenance.
GRANT SELECT (created_ip, created_user_agent, last_ip, last_user_agent) ON user_sessions TO limena_readonly;
