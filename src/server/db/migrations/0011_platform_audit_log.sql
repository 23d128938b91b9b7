-- The platform audit log: operators' reads of data about the platform rather than any one
-- tenant's content (the tenant directory, usage across tenants, the posture, the access log,
-- this log itself, a tenant looked up by id or slug). Each read is one row here, where it used to
-- be one `operator.read` row in every tenant the answer named.
--
-- It is hash-chained exactly like a tenant's log: `audit_digest` (migration 0003) with the nil
-- UUID in the tenant slot and no changes, so there is one digest definition for both. One chain
-- head, one row, locked by every append; the time is read under that lock and never goes before
-- the previous row's (as append_audit does since 0009). Rows go in only through
-- append_platform_audit, a SECURITY DEFINER function of limena_audit_writer (NOLOGIN, created by
-- 0009); limena_app and limena_maintenance may execute it and nothing more, limena_readonly may
-- only read. Like audit_logs, no role may UPDATE, DELETE or TRUNCATE it (no grant, and RLS is
-- forced with no policy for the owner), so no trigger is needed to refuse them.
SET LOCAL ROLE limena_owner;
SET LOCAL search_path = limena;

CREATE TABLE platform_audit_logs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seq bigint NOT NULL UNIQUE,
  at timestamptz NOT NULL,
  action text NOT NULL CHECK (action ~ '^platform\.[a-z_]+$'),
  actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'operator', 'system')),
  actor_id uuid,
  actor_name text,
  target_type text,
  target_id text,
  target_name text,
  ip inet,
  user_agent text,
  request_id text,
  reason text,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL
);
CREATE INDEX platform_audit_logs_time_idx ON platform_audit_logs (at DESC, id DESC);
CREATE INDEX platform_audit_logs_actor_idx ON platform_audit_logs (actor_id, at DESC, id DESC);

-- The last link of the chain: one row, created here, so an append only ever updates it.
CREATE TABLE platform_audit_head (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  seq bigint NOT NULL,
  hash bytea NOT NULL,
  last_at timestamptz NOT NULL
);
INSERT INTO platform_audit_head (seq, hash, last_at)
VALUES (0, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea, '-infinity');

-- Forced, so the owner is bound too; each role gets only the policy it needs.
ALTER TABLE platform_audit_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform_audit_logs FORCE ROW LEVEL SECURITY;
ALTER TABLE platform_audit_head ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform_audit_head FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_audit_logs_operator_read ON platform_audit_logs FOR SELECT TO limena_readonly USING (true);
CREATE POLICY platform_audit_head_operator_read ON platform_audit_head FOR SELECT TO limena_readonly USING (true);
CREATE POLICY platform_audit_logs_append ON platform_audit_logs TO limena_audit_writer USING (true) WITH CHECK (true);
CREATE POLICY platform_audit_head_append ON platform_audit_head TO limena_audit_writer USING (true) WITH CHECK (true);

GRANT SELECT ON platform_audit_logs, platform_audit_head TO limena_readonly;
-- limena_audit_writer: just what an append needs.
GRANT INSERT ON platform_audit_logs TO limena_audit_writer;
GRANT SELECT (id) ON platform_audit_logs TO limena_audit_writer;
GRANT SELECT, UPDATE ON platform_audit_head TO limena_audit_writer;

-- Created as its owner, which needs CREATE on the schema for that moment only (as in 0009).
GRANT CREATE ON SCHEMA limena TO limena_audit_writer;
SET LOCAL ROLE limena_audit_writer;

CREATE FUNCTION limena.append_platform_audit(
  p_action text, p_actor_type text, p_actor_id uuid, p_actor_name text,
  p_target_type text, p_target_id text, p_target_name text,
  p_ip inet, p_user_agent text, p_request_id text, p_reason text, p_metadata jsonb
) RETURNS TABLE (audit_id bigint, audit_seq bigint, audit_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, limena, pg_temp
AS $$
DECLARE
  v_seq bigint;
  v_prev bytea;
  v_last_at timestamptz;
  v_hash bytea;
  v_id bigint;
  v_at timestamptz;
  v_metadata jsonb := coalesce(p_metadata, '{}'::jsonb);
BEGIN
  -- Bumping the head takes its row lock, held to the end of the transaction: appends queue here.
  UPDATE limena.platform_audit_head AS head SET seq = head.seq + 1 WHERE head.only_row
  RETURNING head.seq, head.hash, head.last_at INTO v_seq, v_prev, v_last_at;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'the platform audit chain head is missing';
  END IF;
  -- The clock is read under the lock, and never before the previous row's time.
  v_at := greatest(pg_catalog.clock_timestamp(), v_last_at);
  v_hash := limena.audit_digest(v_prev, v_seq, '00000000-0000-0000-0000-000000000000'::uuid, v_at, p_action, p_actor_type, p_actor_id,
                                p_actor_name, p_target_type, p_target_id, p_target_name, p_ip, p_user_agent, p_request_id, p_reason,
                                NULL, v_metadata);
  INSERT INTO limena.platform_audit_logs (seq, at, action, actor_type, actor_id, actor_name, target_type, target_id, target_name,
                                          ip, user_agent, request_id, reason, metadata, prev_hash, hash)
  VALUES (v_seq, v_at, p_action, p_actor_type, p_actor_id, p_actor_name, p_target_type, p_target_id, p_target_name,
          p_ip, p_user_agent, p_request_id, p_reason, v_metadata, v_prev, v_hash)
  RETURNING id INTO v_id;
  UPDATE limena.platform_audit_head SET hash = v_hash, last_at = v_at WHERE only_row;
  RETURN QUERY SELECT v_id, v_seq, v_at;
END
$$;
REVOKE ALL ON FUNCTION limena.append_platform_audit FROM PUBLIC;
GRANT EXECUTE ON FUNCTION limena.append_platform_audit TO limena_app, limena_maintenance;

SET LOCAL ROLE limena_owner;
REVOKE CREATE ON SCHEMA limena FROM limena_audit_writer;
