-- The tables of DESIGN.md §5. Every table with tenant_id has RLS enabled AND forced, with a
-- policy for each role that may touch it. The tenant comes from a transaction-local setting;
-- when it is missing, nullif(...) is NULL and no row matches.
SET LOCAL ROLE limena_owner;
SET LOCAL search_path = limena;

CREATE TYPE tenant_role AS ENUM ('owner', 'admin', 'member', 'viewer');

CREATE TABLE tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  display_name text CHECK (length(display_name) <= 200),
  password_hash text NOT NULL,
  is_platform_admin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE memberships (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role tenant_role NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  email text NOT NULL CHECK (email = lower(email)),
  role tenant_role NOT NULL,
  token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX invitations_tenant_idx ON invitations (tenant_id, created_at DESC);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  prefix text NOT NULL,
  key_hash bytea NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
  scopes text[] NOT NULL,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at DESC);

-- Global: a refresh token belongs to a user, not a tenant. Only hashes are stored.
CREATE TABLE refresh_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  family_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  issued_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  revoked_at timestamptz,
  revoked_reason text
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id) WHERE revoked_at IS NULL;

CREATE TABLE integrations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  provider text NOT NULL CHECK (provider IN ('slack', 'jira', 'github')),
  label text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  secret_ciphertext bytea NOT NULL,
  key_version integer NOT NULL,
  connected_by uuid REFERENCES users (id) ON DELETE SET NULL,
  connected_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX integrations_tenant_idx ON integrations (tenant_id);

CREATE TABLE audit_logs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  seq bigint NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  action text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),
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
  changes jsonb,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL,
  UNIQUE (tenant_id, seq)
);
CREATE INDEX audit_logs_tenant_time_idx ON audit_logs (tenant_id, at DESC, id DESC);
CREATE INDEX audit_logs_time_idx ON audit_logs (at DESC, id DESC);

-- The last link of each tenant's hash chain; writers lock this row, so the chain cannot fork.
CREATE TABLE audit_chain_heads (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
  seq bigint NOT NULL,
  hash bytea NOT NULL
);

CREATE TABLE ai_quotas (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
  velocity_per_hour integer NOT NULL DEFAULT 500 CHECK (velocity_per_hour >= 0),
  monthly_token_ceiling bigint NOT NULL DEFAULT 20000000 CHECK (monthly_token_ceiling >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ai_usage (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  bucket_start timestamptz NOT NULL CHECK (bucket_start = date_trunc('hour', bucket_start)),
  calls integer NOT NULL DEFAULT 0 CHECK (calls >= 0),
  tokens bigint NOT NULL DEFAULT 0 CHECK (tokens >= 0),
  PRIMARY KEY (tenant_id, bucket_start)
);
CREATE INDEX ai_usage_bucket_idx ON ai_usage (bucket_start);

CREATE TABLE quota_trips (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  kind text NOT NULL CHECK (kind IN ('velocity', 'monthly_ceiling')),
  window_start timestamptz NOT NULL,
  tripped_at timestamptz NOT NULL DEFAULT now(),
  resets_at timestamptz NOT NULL,
  reset_at timestamptz,
  reset_by uuid,
  reset_reason text,
  UNIQUE (tenant_id, kind, window_start)
);
CREATE INDEX quota_trips_time_idx ON quota_trips (tripped_at DESC);

-- Row-level security: enabled and forced (the owner is bound too) on every tenant table.
DO $$
DECLARE
  tenant_table text;
  tenant_expression constant text := 'nullif(current_setting(''app.current_tenant_id'', true), '''')::uuid';
BEGIN
  FOREACH tenant_table IN ARRAY ARRAY['memberships', 'invitations', 'api_keys', 'integrations', 'audit_logs',
                                       'audit_chain_heads', 'ai_quotas', 'ai_usage', 'quota_trips'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('CREATE POLICY %I ON %I TO limena_app USING (tenant_id = %s) WITH CHECK (tenant_id = %s)',
                   tenant_table || '_tenant_isolation', tenant_table, tenant_expression, tenant_expression);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO limena_readonly USING (true)',
                   tenant_table || '_operator_read', tenant_table);
  END LOOP;
  -- limena_maintenance writes into one named tenant at a time, under the same setting.
  FOREACH tenant_table IN ARRAY ARRAY['audit_logs', 'audit_chain_heads', 'ai_quotas', 'quota_trips'] LOOP
    EXECUTE format('CREATE POLICY %I ON %I TO limena_maintenance USING (tenant_id = %s) WITH CHECK (tenant_id = %s)',
                   tenant_table || '_maintenance', tenant_table, tenant_expression, tenant_expression);
  END LOOP;
END
$$;

-- tenants: its own id is the tenant key; a user also sees the tenants they are a member of.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenants_tenant_isolation ON tenants TO limena_app
  USING (id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
CREATE POLICY tenants_member_read ON tenants FOR SELECT TO limena_app
  USING (EXISTS (SELECT 1 FROM memberships m
                 WHERE m.tenant_id = tenants.id
                   AND m.user_id = nullif(current_setting('app.current_user_id', true), '')::uuid));
CREATE POLICY tenants_operator_read ON tenants FOR SELECT TO limena_readonly USING (true);

-- A user sees their own memberships in every tenant (login lists them).
CREATE POLICY memberships_own_read ON memberships FOR SELECT TO limena_app
  USING (user_id = nullif(current_setting('app.current_user_id', true), '')::uuid);
-- An API key or invitation is found by the hash of what the caller presented, and only that row.
CREATE POLICY api_keys_lookup ON api_keys FOR SELECT TO limena_app
  USING (key_hash = decode(nullif(current_setting('app.api_key_hash', true), ''), 'hex'));
CREATE POLICY invitations_lookup ON invitations FOR SELECT TO limena_app
  USING (token_hash = decode(nullif(current_setting('app.invite_token_hash', true), ''), 'hex'));

-- Privileges. The app role cannot change or remove audit rows, nor make anyone a platform admin.
GRANT SELECT, INSERT, UPDATE ON tenants TO limena_app;
GRANT SELECT ON users TO limena_app;
GRANT INSERT (id, email, display_name, password_hash, created_at, updated_at) ON users TO limena_app;
GRANT UPDATE (display_name, password_hash, updated_at, disabled_at) ON users TO limena_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships, invitations, api_keys, integrations TO limena_app;
GRANT SELECT, INSERT, UPDATE ON refresh_tokens TO limena_app;
GRANT SELECT, INSERT ON audit_logs TO limena_app;
GRANT SELECT, INSERT, UPDATE ON audit_chain_heads, ai_quotas, ai_usage, quota_trips TO limena_app;

-- Operator reads: everything but credentials (password hashes, key and token hashes, ciphertexts).
GRANT SELECT ON tenants, memberships, audit_logs, audit_chain_heads, ai_quotas, ai_usage, quota_trips TO limena_readonly;
GRANT SELECT (id, email, display_name, is_platform_admin, created_at, updated_at, disabled_at) ON users TO limena_readonly;
GRANT SELECT (id, tenant_id, email, role, invited_by, created_at, expires_at, accepted_at, revoked_at) ON invitations TO limena_readonly;
GRANT SELECT (id, tenant_id, name, prefix, scopes, created_by, created_at, last_used_at, revoked_at) ON api_keys TO limena_readonly;
GRANT SELECT (id, family_id, user_id, issued_at, expires_at, used_at, revoked_at, revoked_reason) ON refresh_tokens TO limena_readonly;
GRANT SELECT (id, tenant_id, provider, label, key_version, connected_by, connected_at) ON integrations TO limena_readonly;

-- Operator writes: quota changes and resets, session revocation, platform operators, their audit rows.
GRANT SELECT, INSERT, UPDATE ON ai_quotas, quota_trips, audit_chain_heads TO limena_maintenance;
GRANT SELECT, INSERT ON audit_logs TO limena_maintenance;
GRANT SELECT (id, family_id, user_id, revoked_at), UPDATE (revoked_at, revoked_reason) ON refresh_tokens TO limena_maintenance;
GRANT SELECT (id, email, is_platform_admin) ON users TO limena_maintenance;
GRANT INSERT (id, email, display_name, password_hash, is_platform_admin) ON users TO limena_maintenance;
GRANT UPDATE (password_hash, is_platform_admin, updated_at) ON users TO limena_maintenance;
