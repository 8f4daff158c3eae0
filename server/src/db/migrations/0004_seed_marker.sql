-- Which data sets have been seeded, so that `zhengtong seed` runs once.
CREATE TABLE public.zt_seed (
  name       text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);
