-- Failed and refused sign-ins per client address, read from the audit log by the per-address
-- sign-in throttle (identity/auth.service.ts, docs/identity.md).
CREATE INDEX entry_failure_ip_idx ON audit.entry (ip, occurred_at)
  WHERE action = 'identity.auth.login' AND outcome <> 'success';
