#!/usr/bin/env node
// The installed `zhengtong-agent` command. Node 24 runs the TypeScript sources directly (type stripping).
import v8 from 'node:v8';

// Batch bodies stream through the agent as large short-lived buffers, tens of MB a second. By
// default V8 runs a full collection for about every 64 MB of such memory; counted against the
// heap's overall limit instead, it collects a quarter as often, for ~100 MB more resident memory
// (bench/README.md, ADR 0013). Set before anything else is loaded; ZT_AGENT_V8_DEFAULTS=1 keeps V8's.
if (process.env.ZT_AGENT_V8_DEFAULTS !== '1') v8.setFlagsFromString('--external-memory-accounted-in-global-limit');

const { main } = await import('../src/main.ts');

main(process.argv).then(
  (code) => process.exit(code ?? 0),
  (err) => {
    console.error(`zhengtong-agent: ${err?.message ?? err}`);
    process.exit(1);
  },
);
