-- Single sign-on through OpenID Connect (issue 19), and the user's own sessions list.
--
-- tenant_sso: a tenant's identity provider. Its client secret is sealed with the tenant's key
--   (secret-box, purpose 'sso-client-secret') before it reaches SQL; limena_readonly may not read it.
-- sso_domains: the email domains each provider signs in. One row per domain, so a domain belongs to
--   one provider at most, by the primary key: a tenant's (tenant_id) or the platform's (NULL).
-- platform_sso: the platform's own provider for operators, one row, written by `limena sso
--   configure --platform` as limena_maintenance; its secret is sealed under the install's key.
-- sso_attempts: one sign-in between its start and the app's exchange of the one-time code, which
--   removes it. Found before anyone is signed in, by the hash of the state (at the callback) or of
--   the one-time code (at the exchange), through transaction settings, as API keys and invitations
--   are (0002).
-- sso_identities: a person at an issuer (issuer, subject), linked to a user at their first sign-in.
-- user_sessions: one row per session (refresh-token family): how it was opened, when, from where,
--   and when it was last refreshed, for the user's own sessions list. Revocation stays on
--   refresh_tokens, whose triggers (0008) tell every instance.
--
-- Lookups before sign-in must cross tenants (an email's domain, a tenant's slug → its provider):
-- sso_provider_of does that, SECURITY DEFINER, owned by the NOLOGIN role limena_sso_directory,
-- which may read just the columns it returns; it returns no secret and nothing of a tenant without
-- single sign-on. tenant_sso_required answers, in the opening round trip of every member's tenant
-- request, whether the tenant admits its members only through its provider.
-- The owner of sso_provider_of: it cannot log in, and reads only what the function returns.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'limena_sso_directory') THEN
    CREATE ROLE limena_sso_directory NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
  END IF;
  -- Roles are cluster-wide: one made by someone else must still be as harmless as this one.
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'limena_sso_directory' AND (rolcanlogin OR rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb)) THEN
    RAISE EXCEPTION 'role limena_sso_directory must be NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB; fix it with ALTER ROLE';
  END IF;
  -- The function is created as limena_sso_directory, so the migrating user must be able to SET ROLE to it (as in 0009).
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    IF current_setting('server_version_num')::int >= 160000 THEN
      IF NOT pg_has_role(current_user, 'limena_sso_directory', 'SET') THEN
        EXECUTE format('GRANT limena_sso_directory TO %I WITH SET TRUE', current_user);
      END IF;
    ELSIF NOT pg_has_role(current_user, 'limena_sso_directory', 'MEMBER') THEN
      EXECUTE format('GRANT limena_sso_directory TO %I', current_user);
    END IF;
  END IF;
END
$$;

SET LOCAL ROLE limena_owner;
SET LOCAL search_path = limena;

CREATE TABLE tenant_sso (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
  issuer text NOT NULL CHECK (length(issuer) BETWEEN 1 AND 500),
  client_id text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 500),
  client_secret_ciphertext bytea NOT NULL,
  key_version integer NOT NULL,
  default_role tenant_role NOT NULL CHECK (default_role <> 'owner'),
  require_sso boolean NOT NULL DEFAULT false,
  configured_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sso_domains (
  domain text PRIMARY KEY CHECK (domain = lower(domain) AND length(domain) BETWEEN 3 AND 253),
  -- NULL: a domain of the platform's provider (platform_sso).
  tenant_id uuid REFERENCES tenant_sso (tenant_id) ON DELETE CASCADE
);
CREATE INDEX sso_domains_tenant_idx ON sso_domains (tenant_id);

CREATE TABLE platform_sso (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  issuer text NOT NULL CHECK (length(issuer) BETWEEN 1 AND 500),
  client_id text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 500),
  client_secret_ciphertext bytea NOT NULL,
  key_version integer NOT NULL,
  require_for_operators boolean NOT NULL DEFAULT false,
  trust_provider_mfa boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sso_attempts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- NULL: an attempt through the platform's provider.
  tenant_id uuid REFERENCES tenants (id),
  issuer text NOT NULL,
  state_hash bytea NOT NULL UNIQUE CHECK (octet_length(state_hash) = 32),
  nonce text NOT NULL,
  -- Our PKCE verifier towards the identity provider (ten minutes, useless without its code and our client secret).
  pkce_verifier text NOT NULL,
  app_redirect_uri text NOT NULL,
  app_code_challenge text NOT NULL,
  app_state text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  callback_at timestamptz,
  -- The one-time code handed to the app's loopback redirect, stored hashed.
  code_hash bytea UNIQUE CHECK (octet_length(code_hash) = 32),
  code_expires_at timestamptz,
  user_id uuid REFERENCES users (id) ON DELETE CASCADE,
  amr text[],
  failed_check text,
  failed_reason text,
  CHECK (user_id IS NULL OR failed_check IS NULL)
);
CREATE INDEX sso_attempts_tenant_idx ON sso_attempts (tenant_id, expires_at);

-- Global: an identity at an issuer is a person's, who may belong to several tenants, as users are.
CREATE TABLE sso_identities (
  issuer text NOT NULL,
  subject text NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  linked_at timestamptz NOT NULL DEFAULT now(),
  last_sign_in_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX sso_identities_user_idx ON sso_identities (user_id);

-- Global: a session is a user's, across tenants, as its refresh tokens are. sso_tenant_id is where
-- it came from (the tenant whose provider signed it in), not who owns the row.
CREATE TABLE user_sessions (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  method text NOT NULL CHECK (method IN ('password', 'invitation', 'sso')),
  sso_issuer text,
  sso_tenant_id uuid REFERENCES tenants (id),
  sso_amr text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  created_ip inet,
  created_user_agent text,
  last_ip inet,
  last_user_agent text,
  CHECK ((method = 'sso') = (sso_issuer IS NOT NULL)),
  CHECK (sso_tenant_id IS NULL OR method = 'sso')
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id, created_at DESC);
CREATE INDEX user_sessions_sso_tenant_idx ON user_sessions (sso_tenant_id) WHERE sso_tenant_id IS NOT NULL;

-- Row-level security on the tables with a tenant, as on every other (0002): enabled and forced.
DO $$
DECLARE
  tenant_table text;
  tenant_expression constant text := 'nullif(current_setting(''app.current_tenant_id'', true), '''')::uuid';
BEGIN
  FOREACH tenant_table IN ARRAY ARRAY['tenant_sso', 'sso_domains', 'sso_attempts'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('CREATE POLICY %I ON %I TO limena_app USING (tenant_id = %s) WITH CHECK (tenant_id = %s)',
                   tenant_table || '_tenant_isolation', tenant_table, tenant_expression, tenant_expression);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO limena_readonly USING (true)',
                   tenant_table || '_operator_read', tenant_table);
  END LOOP;
END
$$;

-- An attempt is found by whoever presents its state (the identity provider's redirect) or its
-- one-time code (the app), and only that row: the platform's attempts have no tenant to set.
CREATE POLICY sso_attempts_by_state ON sso_attempts TO limena_app
  USING (state_hash = decode(nullif(current_setting('app.sso_state_hash', true), ''), 'hex'))
  WITH CHECK (state_hash = decode(nullif(current_setting('app.sso_state_hash', true), ''), 'hex'));
CREATE POLICY sso_attempts_by_code ON sso_attempts TO limena_app
  USING (code_hash = decode(nullif(current_setting('app.sso_code_hash', true), ''), 'hex'))
  WITH CHECK (code_hash = decode(nullif(current_setting('app.sso_code_hash', true), ''), 'hex'));
-- The platform's domains are written by `limena sso configure --platform`, as limena_maintenance.
CREATE POLICY sso_domains_platform ON sso_domains TO limena_maintenance
  USING (tenant_id IS NULL) WITH CHECK (tenant_id IS NULL);

-- Privileges.
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_sso, sso_attempts TO limena_app;
GRANT SELECT, INSERT, DELETE ON sso_domains TO limena_app;
GRANT SELECT ON platform_sso TO limena_app;
GRANT SELECT, INSERT ON sso_identities TO limena_app;
GRANT UPDATE (last_sign_in_at) ON sso_identities TO limena_app;
GRANT SELECT, INSERT ON user_sessions TO limena_app;
GRANT UPDATE (last_used_at, expires_at, last_ip, last_user_agent) ON user_sessions TO limena_app;

GRANT SELECT, INSERT, UPDATE, DELETE ON platform_sso TO limena_maintenance;
GRANT SELECT, INSERT, DELETE ON sso_domains TO limena_maintenance;
GRANT SELECT (id, user_id, method, sso_issuer, sso_tenant_id) ON user_sessions TO limena_maintenance;

-- Operator reads: never a secret, a hash, a nonce or a verifier.
GRANT SELECT (tenant_id, issuer, client_id, key_version, default_role, require_sso, configured_by, created_at, updated_at)
  ON tenant_sso TO limena_readonly;
GRANT SELECT ON sso_domains TO limena_readonly;
GRANT SELECT (issuer, client_id, key_version, require_for_operators, trust_provider_mfa, updated_at) ON platform_sso TO limena_readonly;
GRANT SELECT (id, tenant_id, issuer, created_at, expires_at, callback_at, failed_check) ON sso_attempts TO limena_readonly;
GRANT SELECT (issuer, subject, user_id, linked_at, last_sign_in_at) ON sso_identities TO limena_readonly;
GRANT SELECT (id, user_id, method, sso_issuer, sso_tenant_id, sso_amr, created_at, last_used_at, expires_at) ON user_sessions TO limena_readonly;

-- Whether the tenant admits its members only through its provider: its name when it does, else
-- NULL. plpgsql and SECURITY INVOKER, as tenant_role_of (0006): planned once per connection, and
-- the caller's own row-level security decides what it sees (the request's tenant is set).
CREATE FUNCTION tenant_sso_required(p_tenant_id uuid) RETURNS text
LANGUAGE plpgsql STABLE SECURITY INVOKER
AS $$
BEGIN
  RETURN (SELECT t.name FROM limena.tenant_sso s JOIN limena.tenants t ON t.id = s.tenant_id
           WHERE s.tenant_id = p_tenant_id AND s.require_sso);
END
$$;
REVOKE ALL ON FUNCTION tenant_sso_required FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenant_sso_required TO limena_app;

GRANT USAGE ON SCHEMA limena TO limena_sso_directory;
GRANT SELECT (id, name, slug, deleted_at) ON tenants TO limena_sso_directory;
GRANT SELECT (tenant_id, issuer) ON tenant_sso TO limena_sso_directory;
GRANT SELECT ON sso_domains TO limena_sso_directory;
CREATE POLICY tenants_sso_directory ON tenants FOR SELECT TO limena_sso_directory USING (true);
CREATE POLICY tenant_sso_directory ON tenant_sso FOR SELECT TO limena_sso_directory USING (true);
CREATE POLICY sso_domains_directory ON sso_domains FOR SELECT TO limena_sso_directory USING (true);

-- Created as its owner, which needs CREATE on the schema for that moment only.
GRANT CREATE ON SCHEMA limena TO limena_sso_directory;
SET LOCAL ROLE limena_sso_directory;

-- The provider that signs in an email's domain (p_domain) or a tenant (p_slug): a live tenant with
-- single sign-on (its id, name, slug and issuer), or the platform's
-- provider (platform = true, a domain only). No row when there is none.
CREATE FUNCTION limena.sso_provider_of(p_domain text, p_slug text)
RETURNS TABLE (tenant_id uuid, tenant_name text, tenant_slug text, issuer text, platform boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, limena, pg_temp
AS $$
  SELECT t.id, t.name, t.slug, s.issuer, false
    FROM limena.tenant_sso s JOIN limena.tenants t ON t.id = s.tenant_id
   WHERE t.deleted_at IS NULL
     AND ((p_slug IS NOT NULL AND t.slug = p_slug)
          OR (p_domain IS NOT NULL AND EXISTS (SELECT 1 FROM limena.sso_domains d WHERE d.domain = p_domain AND d.tenant_id = t.id)))
  UNION ALL
  SELECT NULL::uuid, NULL::text, NULL::text, NULL::text, true
   WHERE p_slug IS NULL AND EXISTS (SELECT 1 FROM limena.sso_domains d WHERE d.domain = p_domain AND d.tenant_id IS NULL)
$$;
REVOKE ALL ON FUNCTION limena.sso_provider_of FROM PUBLIC;
GRANT EXECUTE ON FUNCTION limena.sso_provider_of TO limena_app;

SET LOCAL ROLE limena_owner;
REVOKE CREATE ON SCHEMA limena FROM limena_sso_directory;
