import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const builtin = (name: string): string => fileURLToPath(new URL(`./platform/scriptforge/builtins/${name}.ts`, import.meta.url))

export default defineConfig({
  resolve: {
    // In Node, src/ imports the emulated built-ins, as the QuickJS host resolves them.
    alias: [
      { find: /^cxMcpServer$/, replacement: builtin('cxMcpServer') },
      { find: /^cxRest$/, replacement: builtin('cxRest') }
    ]
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
})
