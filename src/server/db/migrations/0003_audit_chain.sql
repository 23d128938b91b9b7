-- The per-tenant hash chain of audit_logs. The digest is computed by the database from the
-- stored values, so the writer and `limena verify-audit` can never disagree on how a value
-- (jsonb key order, inet text, timestamp precision) is serialised.
SET LOCAL ROLE limena_owner;
SET LOCAL search_path = limena;

CREATE FUNCTION audit_digest(
  p_prev_hash bytea, p_seq bigint, p_tenant_id uuid, p_at timestamptz, p_action text,
  p_actor_type text, p_actor_id uuid, p_actor_name text,
  p_target_type text, p_target_id text, p_target_name text,
  p_ip inet, p_user_agent text, p_request_id text, p_reason text, p_changes jsonb, p_metadata jsonb
) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT sha256(p_prev_hash || convert_to(jsonb_build_object(
    'seq', p_seq,
    'tenant_id', p_tenant_id,
    'at', extract(epoch FROM p_at),
    'action', p_action,
    'actor', jsonb_build_object('type', p_actor_type, 'id', p_actor_id, 'name', p_actor_name),
    'target', jsonb_build_object('type', p_target_type, 'id', p_target_id, 'name', p_target_name),
    'ip', p_ip,
    'user_agent', p_user_agent,
    'request_id', p_request_id,
    'reason', p_reason,
    'changes', p_changes,
    'metadata', p_metadata
  )::text, 'UTF8'))
$$;

REVOKE ALL ON FUNCTION audit_digest FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_digest TO limena_app, limena_readonly, limena_maintenance;
