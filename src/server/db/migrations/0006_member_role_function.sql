-- Every tenant request first reads the caller's role. Planned inline, that lookup costs more than
-- it runs: the planner expands the RLS policies of memberships and tenants each time. A plpgsql
-- function keeps its plan per connection, so the request pays for a lookup, not a plan. It is
-- SECURITY INVOKER: the caller's policies still decide what it can see.
SET LOCAL ROLE limena_owner;
SET LOCAL search_path = limena;

CREATE FUNCTION tenant_role_of(p_tenant_id uuid, p_user_id uuid) RETURNS text
LANGUAGE plpgsql STABLE SECURITY INVOKER
AS $$
BEGIN
  RETURN (SELECT m.role::text
            FROM limena.memberships m JOIN limena.tenants t ON t.id = m.tenant_id
           WHERE m.tenant_id = p_tenant_id AND m.user_id = p_user_id AND t.deleted_at IS NULL);
END
$$;
REVOKE ALL ON FUNCTION tenant_role_of FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenant_role_of TO limena_app;
