import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** The built-in modules the host provides, by the bare name scripts import them with. */
export const BUILTIN_MODULES = ['cxMcpServer', 'cxRest'] as const

let sources: Promise<Record<string, string>> | undefined

/** The emulated built-ins as ES module source for QuickJS, bundled once per process. */
export function builtinSources (): Promise<Record<string, string>> {
  sources ??= Promise.all(BUILTIN_MODULES.map(async name => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL(`./${name}.ts`, import.meta.url))],
      bundle: true,
      write: false,
      format: 'esm',
      target: 'es2023',
      platform: 'neutral',
      logLevel: 'silent'
    })
    return [name, result.outputFiles[0]!.text] as const
  })).then(Object.fromEntries)
  return sources
}
