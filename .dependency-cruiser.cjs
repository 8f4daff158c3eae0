/**
 * Import boundaries (ARCHITECTURE.md): the kernel imports no module; a module reaches another
 * module only through its index.ts; nothing imports tests.
 */
module.exports = {
  forbidden: [
    {
      name: 'kernel-imports-no-module',
      severity: 'error',
      from: { path: '^server/src/kernel/' },
      to: { path: '^server/src/(modules|http|app\\.ts|main\\.ts)' },
    },
    {
      name: 'module-through-index-only',
      comment: 'Import another module only through its index.ts.',
      severity: 'error',
      from: { path: '^server/src/modules/([^/]+)/' },
      to: { path: '^server/src/modules/([^/]+)/', pathNot: ['^server/src/modules/$1/', '^server/src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outside-through-index-only',
      comment: 'The composition root, CLI, seeds and HTTP layer use a module through its index.ts (domain types excepted).',
      severity: 'error',
      from: { path: '^server/src/(app\\.ts|main\\.ts|seed/|db/|http/)' },
      to: { path: '^server/src/modules/[^/]+/', pathNot: ['^server/src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'agent-uses-only-server-crypto',
      comment: 'The agent runs in department networks: from the server it takes only the SM2/SM3 kernel (@zhengtong/server/crypto).',
      severity: 'error',
      from: { path: '^agent/src/' },
      to: { path: '(^|/)server/src/', pathNot: '(^|/)server/src/kernel/crypto/' },
    },
    {
      name: 'no-test-imports-in-product',
      severity: 'error',
      from: { path: '^server/src/', pathNot: '\\.test\\.ts$' },
      to: { path: '(^server/test/|\\.test\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'server/tsconfig.json' },
    exclude: { path: 'node_modules' },
  },
};
