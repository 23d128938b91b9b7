-- Rate-limit counters shared by every instance on this database (LIMENA_RATE_LIMIT_STORE=postgres),
-- so N instances behind a load balancer give a guesser one budget, not N. In the table layout of
-- rate-limiter-flexible's Postgres store. UNLOGGED: counters need no crash safety, only speed.
-- Not tenant data: keys are an IP address or a normalised email, behind a limiter prefix.
SET LOCAL ROLE limena_owner;
SET LOCAL search_path = limena;

CREATE UNLOGGED TABLE rate_limits (
  key text PRIMARY KEY, -- text, not the library's varchar(255): a long email must not overflow it
  points integer NOT NULL DEFAULT 0,
  expire bigint
);
GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limits TO limena_app;
