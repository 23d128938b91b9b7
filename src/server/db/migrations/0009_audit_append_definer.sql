-- Audit rows are appended only through append_audit, and time never goes back along a chain.
--
-- Until now limena_app and limena_maintenance could INSERT into audit_logs and write
-- audit_chain_heads themselves, so a compromised app connection could append a row of its own
-- making (a backdated one, say) that verify-audit accepts. Those grants are revoked; append_audit
-- becomes SECURITY DEFINER, owned by limena_audit_writer: a role that cannot log in and may only
-- write these two tables (RLS is forced on them, so it gets its own policies, bound to the tenant
-- the function sets). The function takes no time: it reads the clock after locking the chain head,
-- and never earlier than the head's last time, so a transaction that started earlier but appends
-- later no longer writes an earlier time after a later one. Chains that exist already took the
-- transaction start time; time_ordered_from marks where each one starts to be held to the order.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'limena_audit_writer') THEN
    CREATE ROLE limena_audit_writer NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
  END IF;
  -- Roles are cluster-wide: one made by someone else must still be as harmless as this one.
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'limena_audit_writer' AND (rolcanlogin OR rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb)) THEN
    RAISE EXCEPTION 'role limena_audit_writer must be NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB; fix it with ALTER ROLE';
  END IF;
  -- The function is created as limena_audit_writer (below), so the migrating user must be able to
  -- SET ROLE to it. From PostgreSQL 16 on, the creator of a role holds only ADMIN OPTION on it,
  -- which counts as MEMBER but does not allow SET ROLE; so that is what is checked and granted.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    IF current_setting('server_version_num')::int >= 160000 THEN
      IF NOT pg_has_role(current_user, 'limena_audit_writer', 'SET') THEN
        EXECUTE format('GRANT limena_audit_writer TO %I WITH SET TRUE', current_user);
      END IF;
    ELSIF NOT pg_has_role(current_user, 'limena_audit_writer', 'MEMBER') THEN
      EXECUTE format('GRANT limena_audit_writer TO %I', current_user);
    END IF;
  END IF;
END
$$;

SET LOCAL ROLE limena_owner;
SET LOCAL search_path = limena;

-- The chain head keeps the time of its last row; appends never go before it.
ALTER TABLE audit_chain_heads
  ADD COLUMN last_at timestamptz NOT NULL DEFAULT '-infinity',
  ADD COLUMN time_ordered_from bigint NOT NULL DEFAULT 1;

-- Existing chains: their last time, and the next seq as the first held to the order. RLS is
-- forced and the owner has no policy, so it is lifted for this statement only (the tables are
-- locked by the ALTERs until the migration commits).
ALTER TABLE audit_chain_heads NO FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_logs NO FORCE ROW LEVEL SECURITY;
UPDATE audit_chain_heads head
   SET last_at = coalesce((SELECT max(l.at) FROM audit_logs l WHERE l.tenant_id = head.tenant_id), '-infinity'),
       time_ordered_from = head.seq + 1;
ALTER TABLE audit_logs FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_chain_heads FORCE ROW LEVEL SECURITY;

REVOKE INSERT ON audit_logs FROM limena_app, limena_maintenance;
REVOKE INSERT, UPDATE ON audit_chain_heads FROM limena_app, limena_maintenance;

-- limena_audit_writer: just what an append needs.
GRANT USAGE ON SCHEMA limena TO limena_audit_writer;
GRANT INSERT ON audit_logs TO limena_audit_writer;
GRANT SELECT (id) ON audit_logs TO limena_audit_writer;
GRANT SELECT, INSERT, UPDATE ON audit_chain_heads TO limena_audit_writer;
GRANT EXECUTE ON FUNCTION audit_digest TO limena_audit_writer;
CREATE POLICY audit_logs_append ON audit_logs TO limena_audit_writer
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
CREATE POLICY audit_chain_heads_append ON audit_chain_heads TO limena_audit_writer
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);

-- Same signature and result as 0004's, so every caller (one row, or one per tenant in a batch) keeps working.
DROP FUNCTION append_audit(uuid, text, text, uuid, text, text, text, text, inet, text, text, text, jsonb, jsonb);

-- Created as its owner, which needs CREATE on the schema for that moment only.
GRANT CREATE ON SCHEMA limena TO limena_audit_writer;
SET LOCAL ROLE limena_audit_writer;

CREATE FUNCTION limena.append_audit(
  p_tenant_id uuid, p_action text, p_actor_type text, p_actor_id uuid, p_actor_name text,
  p_target_type text, p_target_id text, p_target_name text,
  p_ip inet, p_user_agent text, p_request_id text, p_reason text, p_changes jsonb, p_metadata jsonb
) RETURNS TABLE (audit_id bigint, audit_seq bigint, audit_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, limena, pg_temp
AS $$
DECLARE
  previous_tenant text := pg_catalog.current_setting('app.current_tenant_id', true);
  v_seq bigint;
  v_prev bytea;
  v_last_at timestamptz;
  v_hash bytea;
  v_id bigint;
  v_at timestamptz;
  v_metadata jsonb := coalesce(p_metadata, '{}'::jsonb);
BEGIN
  PERFORM pg_catalog.set_config('app.current_tenant_id', p_tenant_id::text, true);
  -- Bumping the head takes its row lock, held to the end of the transaction: writers of one tenant queue here.
  INSERT INTO limena.audit_chain_heads AS head (tenant_id, seq, hash)
  VALUES (p_tenant_id, 1, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
  ON CONFLICT (tenant_id) DO UPDATE SET seq = head.seq + 1
  RETURNING head.seq, head.hash, head.last_at INTO v_seq, v_prev, v_last_at;
  -- The clock is read under the lock, and never before the previous row's time.
  v_at := greatest(pg_catalog.clock_timestamp(), v_last_at);
  v_hash := limena.audit_digest(v_prev, v_seq, p_tenant_id, v_at, p_action, p_actor_type, p_actor_id, p_actor_name, p_target_type, p_target_id,
                                p_target_name, p_ip, p_user_agent, p_request_id, p_reason, p_changes, v_metadata);
  INSERT INTO limena.audit_logs (tenant_id, seq, at, action, actor_type, actor_id, actor_name, target_type, target_id, target_name,
                                 ip, user_agent, request_id, reason, changes, metadata, prev_hash, hash)
  VALUES (p_tenant_id, v_seq, v_at, p_action, p_actor_type, p_actor_id, p_actor_name, p_target_type, p_target_id, p_target_name,
          p_ip, p_user_agent, p_request_id, p_reason, p_changes, v_metadata, v_prev, v_hash)
  RETURNING id INTO v_id;
  UPDATE limena.audit_chain_heads SET hash = v_hash, last_at = v_at WHERE tenant_id = p_tenant_id;
  PERFORM pg_catalog.set_config('app.current_tenant_id', coalesce(previous_tenant, ''), true);
  RETURN QUERY SELECT v_id, v_seq, v_at;
END
$$;
REVOKE ALL ON FUNCTION limena.append_audit FROM PUBLIC;
GRANT EXECUTE ON FUNCTION limena.append_audit TO limena_app, limena_maintenance;

SET LOCAL ROLE limena_owner;
REVOKE CREATE ON SCHEMA limena FROM limena_audit_writer;
