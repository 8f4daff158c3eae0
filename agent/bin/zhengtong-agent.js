#!/usr/bin/env node
// The installed `zhengtong-agent` command. Node 24 runs the TypeScript sources directly (type stripping).
import { main } from '../src/main.ts';

main(process.argv).then(
  (code) => process.exit(code ?? 0),
  (err) => {
    console.error(`zhengtong-agent: ${err?.message ?? err}`);
    process.exit(1);
  },
);
