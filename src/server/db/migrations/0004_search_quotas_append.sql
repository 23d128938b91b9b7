-- Audit search, AI quota counters, and a server-side audit append.
--
-- Search: a generated column holds the text that `q` searches (action, names, ids, metadata),
-- indexed with pg_trgm so a substring search does not scan the table.
-- Quotas: the enforcement counters live on the tenant's ai_quotas row, so one UPDATE can check
-- and count a call atomically (concurrent callers queue on the row lock and re-check).
-- append_audit: the hash-chain append of audit-writer.ts in one round trip, usable for a batch
-- of tenants (operator reads write one row into each affected tenant).
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA limena;

SET LOCAL ROLE limena_owner;
SET LOCAL search_path = limena;

ALTER TABLE audit_logs ADD COLUMN search_text text GENERATED ALWAYS AS (
  lower(action || ' ' || coalesce(actor_name, '') || ' ' || coalesce(target_type, '') || ' ' || coalesce(target_name, '') || ' '
        || coalesce(target_id, '') || ' ' || coalesce(reason, '') || ' ' || metadata::text)
) STORED;
CREATE INDEX audit_logs_search_idx ON audit_logs USING gin (search_text gin_trgm_ops);
CREATE INDEX audit_logs_tenant_action_idx ON audit_logs (tenant_id, action, at DESC, id DESC);
CREATE INDEX audit_logs_tenant_actor_idx ON audit_logs (tenant_id, actor_id, at DESC, id DESC);
CREATE INDEX audit_logs_operator_idx ON audit_logs (at DESC, id DESC) WHERE action IN ('operator.read', 'operator.write');

ALTER TABLE ai_quotas
  ADD COLUMN hour_window_start timestamptz NOT NULL DEFAULT date_trunc('hour', now()),
  ADD COLUMN hour_calls integer NOT NULL DEFAULT 0 CHECK (hour_calls >= 0),
  ADD COLUMN month_window_start timestamptz NOT NULL DEFAULT date_trunc('month', now()),
  ADD COLUMN month_tokens bigint NOT NULL DEFAULT 0 CHECK (month_tokens >= 0);

ALTER TABLE quota_trips ADD COLUMN reset_by_name text;

CREATE FUNCTION append_audit(
  p_tenant_id uuid, p_action text, p_actor_type text, p_actor_id uuid, p_actor_name text,
  p_target_type text, p_target_id text, p_target_name text,
  p_ip inet, p_user_agent text, p_request_id text, p_reason text, p_changes jsonb, p_metadata jsonb
) RETURNS TABLE (audit_id bigint, audit_seq bigint, audit_at timestamptz)
LANGUAGE plpgsql SECURITY INVOKER SET search_path = limena, pg_temp
AS $$
DECLARE
  previous_tenant text := current_setting('app.current_tenant_id', true);
  v_seq bigint;
  v_prev bytea;
  v_hash bytea;
  v_id bigint;
  v_at timestamptz := now();
  v_metadata jsonb := coalesce(p_metadata, '{}'::jsonb);
BEGIN
  PERFORM set_config('app.current_tenant_id', p_tenant_id::text, true);
  INSERT INTO audit_chain_heads AS head (tenant_id, seq, hash) VALUES (p_tenant_id, 1, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
  ON CONFLICT (tenant_id) DO UPDATE SET seq = head.seq + 1
  RETURNING head.seq, head.hash INTO v_seq, v_prev;
  v_hash := audit_digest(v_prev, v_seq, p_tenant_id, v_at, p_action, p_actor_type, p_actor_id, p_actor_name, p_target_type, p_target_id,
                         p_target_name, p_ip, p_user_agent, p_request_id, p_reason, p_changes, v_metadata);
  INSERT INTO audit_logs (tenant_id, seq, at, action, actor_type, actor_id, actor_name, target_type, target_id, target_name,
                          ip, user_agent, request_id, reason, changes, metadata, prev_hash, hash)
  VALUES (p_tenant_id, v_seq, v_at, p_action, p_actor_type, p_actor_id, p_actor_name, p_target_type, p_target_id, p_target_name,
          p_ip, p_user_agent, p_request_id, p_reason, p_changes, v_metadata, v_prev, v_hash)
  RETURNING id INTO v_id;
  UPDATE audit_chain_heads SET hash = v_hash WHERE tenant_id = p_tenant_id;
  PERFORM set_config('app.current_tenant_id', coalesce(previous_tenant, ''), true);
  RETURN QUERY SELECT v_id, v_seq, v_at;
END
$$;
REVOKE ALL ON FUNCTION append_audit FROM PUBLIC;
GRANT EXECUTE ON FUNCTION append_audit TO limena_app, limena_maintenance;

-- Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a formula.
CREATE FUNCTION csv_safe(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN value ~ '^[=+@\t\r-]' THEN '''' || value ELSE value END $$;
GRANT EXECUTE ON FUNCTION csv_safe TO limena_app, limena_readonly, limena_maintenance;

GRANT UPDATE (reset_at, reset_by, reset_reason, reset_by_name) ON quota_trips TO limena_maintenance;
