-- Every instance remembers which sessions (refresh families) are active, so an access token costs
-- no query per request; these triggers tell every instance when that answer may have changed, by
-- NOTIFY on limena_session_revoked, sent at commit. They sit on the tables rather than in the code
-- that revokes, so every path is caught: sign-out, refresh-token reuse, a password change, an
-- operator's revoke-sessions (as limena_maintenance), a disabled or deleted user, and any added
-- later. Payloads: 'session:<family_id>' and 'user:<user_id>'. PostgreSQL folds identical
-- notifications of one transaction into one, so revoking a family of many tokens sends one.
-- SECURITY INVOKER: the functions only notify, so they need nothing of the caller's role.
SET LOCAL ROLE limena_owner;
SET LOCAL search_path = limena;

CREATE FUNCTION notify_session_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog
AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('limena_session_revoked', 'session:' || OLD.family_id::text);
  ELSE
    PERFORM pg_notify('limena_session_revoked', 'session:' || NEW.family_id::text);
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION notify_session_changed FROM PUBLIC;

-- Marking a token used (every refresh) changes neither column, so it notifies nothing.
CREATE TRIGGER refresh_tokens_notify_revoked
AFTER UPDATE OF revoked_at, expires_at ON refresh_tokens
FOR EACH ROW WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at)
EXECUTE FUNCTION notify_session_changed();

-- Deleting a token that was already revoked or expired cannot end an active session.
CREATE TRIGGER refresh_tokens_notify_deleted
AFTER DELETE ON refresh_tokens
FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND OLD.expires_at > now())
EXECUTE FUNCTION notify_session_changed();

CREATE FUNCTION notify_user_disabled() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog
AS $$
BEGIN
  PERFORM pg_notify('limena_session_revoked', 'user:' || NEW.id::text);
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION notify_user_disabled FROM PUBLIC;

CREATE TRIGGER users_notify_disabled
AFTER UPDATE OF disabled_at ON users
FOR EACH ROW WHEN (OLD.disabled_at IS DISTINCT FROM NEW.disabled_at)
EXECUTE FUNCTION notify_user_disabled();
