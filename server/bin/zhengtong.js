#!/usr/bin/env node
// The installed `zhengtong` command. Node 24 runs the TypeScript sources directly (type stripping).
import { cli } from '../src/main.ts';
import { CommanderError } from 'commander';

cli()
  .exitOverride()
  .parseAsync(process.argv)
  .catch((err) => {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    console.error(`zhengtong: ${err.message}`);
    process.exit(1);
  });
