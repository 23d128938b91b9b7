-- Operator writes run as limena_maintenance, one named tenant at a time: creating a tenant with
-- its first owner's invitation, and reading back what it just changed.
SET LOCAL ROLE limena_owner;
SET LOCAL search_path = limena;

GRANT SELECT, INSERT ON tenants TO limena_maintenance;
GRANT SELECT (id, tenant_id, email, role, expires_at, accepted_at, revoked_at), INSERT, UPDATE (revoked_at) ON invitations TO limena_maintenance;
GRANT SELECT ON ai_usage TO limena_maintenance;

CREATE POLICY tenants_maintenance ON tenants TO limena_maintenance
  USING (id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
CREATE POLICY invitations_maintenance ON invitations TO limena_maintenance
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
CREATE POLICY ai_usage_maintenance ON ai_usage FOR SELECT TO limena_maintenance
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
