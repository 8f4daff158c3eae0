-- What the subscriber's agent last reported about a subscription in its heartbeat: the error that
-- keeps it from writing events into its table (a missing column, a type that does not fit), so the
-- console shows it next to the subscription and not only in the agent's own status.
ALTER TABLE exchange.subscription
  ADD COLUMN agent_error    text,
  ADD COLUMN agent_error_at timestamptz;
