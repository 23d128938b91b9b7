-- API keys expire and roll (issue 14). A key may be made to expire 30, 90 or 365 days after its
-- creation (lifetime_days, the policy a successor inherits), or never (both columns NULL: every
-- key made before this migration). Rolling a key makes its successor and ends the old key at the
-- close of a grace period: rolled_at and successor_id record the roll, and the old key's
-- expires_at becomes the end of its grace. Authentication refuses a key whose expires_at has
-- passed. Nothing about row-level security changes: the columns belong to the tenant's rows.
SET LOCAL ROLE limena_owner;
SET LOCAL search_path = limena;

ALTER TABLE api_keys
  ADD COLUMN expires_at timestamptz,
  ADD COLUMN lifetime_days integer CHECK (lifetime_days IN (30, 90, 365)),
  ADD COLUMN rolled_at timestamptz,
  ADD COLUMN successor_id uuid REFERENCES api_keys (id),
  ADD CONSTRAINT api_keys_roll_recorded_whole CHECK ((rolled_at IS NULL) = (successor_id IS NULL)),
  ADD CONSTRAINT api_keys_rolled_once UNIQUE (successor_id);

-- limena_app holds table-wide privileges on api_keys (0002); the operator reads (the tenant
-- detail, the posture's key ages) need the new columns, which hold no credential.
GRANT SELECT (expires_at, lifetime_days, rolled_at, successor_id) ON api_keys TO limena_readonly;
