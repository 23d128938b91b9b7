-- Membership only by consent (issue 11): every add is an invitation the invited person accepts
-- or declines. An invitee finds their own pending invitations under `app.current_user_id`, by
-- the email of that user — never anyone else's. Tenant requests by API key check that the
-- tenant still exists (a soft-deleted tenant is gone for every credential), in a plpgsql
-- function so the check keeps its plan per connection, as tenant_role_of does (0006).
SET LOCAL ROLE limena_owner;
SET LOCAL search_path = limena;

ALTER TABLE invitations ADD COLUMN declined_at timestamptz;
GRANT SELECT (declined_at) ON invitations TO limena_readonly, limena_maintenance;

CREATE POLICY invitations_invitee_read ON invitations FOR SELECT TO limena_app
  USING (email = (SELECT u.email FROM limena.users u
                   WHERE u.id = nullif(current_setting('app.current_user_id', true), '')::uuid));

CREATE FUNCTION tenant_is_live(p_tenant_id uuid) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY INVOKER
AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM limena.tenants t WHERE t.id = p_tenant_id AND t.deleted_at IS NULL);
END
$$;
REVOKE ALL ON FUNCTION tenant_is_live FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenant_is_live TO limena_app, limena_readonly;
