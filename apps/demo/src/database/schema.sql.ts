/**
 * The demo's tables, in their own schema so they never meet an app's (or a test's)
 * tables of the same name. Idempotent; `migrate()` runs it under an advisory lock.
 */
export const SCHEMA_SQL = `
CREATE SCHEMA IF NOT EXISTS prs_demo;
CREATE TABLE IF NOT EXISTS prs_demo.meta (
  key text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE IF NOT EXISTS prs_demo.users (
  id serial PRIMARY KEY,
  username text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('sales', 'manager')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS prs_demo.deals (
  id serial PRIMARY KEY,
  client text NOT NULL,
  title text NOT NULL,
  amount numeric(14, 2) NOT NULL CHECK (amount > 0),
  currency char(3) NOT NULL,
  paid_amount numeric(14, 2) NOT NULL DEFAULT 0,
  stage text NOT NULL DEFAULT 'open' CHECK (stage IN ('open', 'won', 'lost')),
  owner_id integer NOT NULL REFERENCES prs_demo.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (paid_amount >= 0 AND paid_amount <= amount)
);
CREATE TABLE IF NOT EXISTS prs_demo.payments (
  id serial PRIMARY KEY,
  deal_id integer NOT NULL REFERENCES prs_demo.deals (id),
  amount numeric(14, 2) NOT NULL CHECK (amount > 0),
  method text NOT NULL,
  processor_ref text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS payments_deal_id_idx ON prs_demo.payments (deal_id);
CREATE INDEX IF NOT EXISTS payments_created_at_idx ON prs_demo.payments (created_at);
CREATE TABLE IF NOT EXISTS prs_demo.commissions (
  period text NOT NULL,
  user_id integer NOT NULL REFERENCES prs_demo.users (id),
  rate numeric(5, 4) NOT NULL,
  sales numeric(14, 2) NOT NULL,
  amount numeric(14, 2) NOT NULL,
  calculated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (period, user_id)
);
INSERT INTO prs_demo.meta (key, value)
  VALUES ('instance_id', md5(random()::text || clock_timestamp()::text))
  ON CONFLICT (key) DO NOTHING;
`;
