import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, relative, resolve } from 'node:path'
import { build, type Plugin } from 'esbuild'
import { loadConfig, ROOT, type CxConfig } from './config'

/** The ScriptForge built-ins `src/` may import; everything else must be bundled. */
export const ALLOWED_BUILTINS = ['cxMcpServer', 'cxRest'] as const

/** Other ScriptForge built-ins: real, but not emulated locally, so not allowed yet. */
const OTHER_BUILTINS = ['cxKV', 'cxKysely', 'cxCallControl', 'cxC5Server', 'cxJob', 'cxUserspace', 'cxPubSub', 'cxSend', 'cxWebSocket', 'cxRouter', 'cxRegistry']

/** One built bundle. */
export interface BuiltEntry {
  name: string
  source: string
  /** Absolute path of the bundle. */
  file: string
  bytes: number
}

/** A build that must not be deployed; the message says which import and why. */
export class BuildError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'BuildError'
  }
}

const NODE_BUILTINS = new Set(builtinModules)

/** Keeps `src/` ScriptForge code: the two built-ins stay external, Node and unknown modules fail the build. */
const scriptForgeImports: Plugin = {
  name: 'scriptforge-imports',
  setup (build) {
    build.onResolve({ filter: /.*/ }, args => {
      if (args.kind === 'entry-point') return undefined
      const from = relative(ROOT, args.importer) || args.importer
      if ((ALLOWED_BUILTINS as readonly string[]).includes(args.path)) return { path: args.path, external: true }
      if (args.path.startsWith('node:') || NODE_BUILTINS.has(args.path.split('/')[0]!)) {
        return { errors: [{ text: `${from} imports "${args.path}", a Node built-in. ScriptForge has no Node: src/ may import only ${ALLOWED_BUILTINS.join(', ')} and its own files.` }] }
      }
      if (OTHER_BUILTINS.includes(args.path)) {
        return { errors: [{ text: `${from} imports "${args.path}", a ScriptForge built-in the local platform does not emulate; only ${ALLOWED_BUILTINS.join(', ')} can be used and tested here.` }] }
      }
      if (/^(https?:)?\/\//.test(args.path) || /^esm\.sh\//.test(args.path)) {
        return { errors: [{ text: `${from} imports "${args.path}" from a URL; the bundle must be self-contained (add the code to src/ instead).` }] }
      }
      return undefined
    })
  }
}

/**
 * An entry that imports another entry (the self-test imports `./mcp`) keeps that import: on
 * ScriptForge the two are files of one app, and `./name` loads the other file. So the self-test
 * runs the deployed server itself, not a copy, and a change to a tool changes only that file.
 */
function entryImports (config: CxConfig, root: string, self: string): Plugin {
  const byPath = new Map(config.entries.filter(e => e.name !== self).map(e => [resolve(root, e.source), e.name]))
  return {
    name: 'scriptforge-entry-imports',
    setup (build) {
      build.onResolve({ filter: /^\.\.?\// }, args => {
        const target = resolve(args.resolveDir, args.path)
        const name = byPath.get(target) ?? byPath.get(`${target}.ts`)
        return name === undefined ? undefined : { path: `./${name}`, external: true }
      })
    }
  }
}

/** Newest modification time of the files under `dir`, ms. */
function newest (dir: string): number {
  let latest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }
  return latest
}

/** True when a bundle is missing or older than `src/` or the config. */
export function isStale (config: CxConfig = loadConfig(), root = ROOT): boolean {
  const inputs = Math.max(newest(resolve(root, 'src')), statSync(resolve(root, 'cx.config.json')).mtimeMs, statSync(resolve(root, 'package.json')).mtimeMs)
  return config.entries.some(entry => {
    try {
      return statSync(resolve(root, config.outDir, `${entry.name}.js`)).mtimeMs < inputs
    } catch {
      return true
    }
  })
}

/**
 * Bundles every entry of `cx.config.json` into `<outDir>/<name>.js`: one minified ES2023 module
 * each, a source map beside it, and no imports but the ScriptForge built-ins. A copy of each goes
 * to `<outDir>/src/<name>.js`, the flat layout the vendor `cx` CLI pushes from, so that
 * `cx push <name>` run in `<outDir>` uploads the same file `npm run deploy` does.
 *
 * @throws BuildError naming the offending import when `src/` uses something ScriptForge lacks.
 */
export async function bundle (config: CxConfig = loadConfig(), root = ROOT): Promise<BuiltEntry[]> {
  const outDir = resolve(root, config.outDir)
  mkdirSync(join(outDir, 'src'), { recursive: true })
  const built: BuiltEntry[] = []
  for (const entry of config.entries) {
    const file = join(outDir, `${entry.name}.js`)
    let result
    try {
      result = await build({
        absWorkingDir: root,
        entryPoints: [resolve(root, entry.source)],
        outfile: file,
        bundle: true,
        format: 'esm',
        platform: 'neutral',
        target: 'es2023',
        mainFields: ['module', 'main'],
        minify: true,
        sourcemap: 'external',
        legalComments: 'none',
        metafile: true,
        logLevel: 'silent',
        plugins: [entryImports(config, root, entry.name), scriptForgeImports]
      })
    } catch (error) {
      const errors = (error as { errors?: { text: string, location?: { file: string, line: number } | null }[] }).errors
      const text = errors === undefined
        ? String(error)
        : errors.map(e => (e.location === null || e.location === undefined ? '' : `${e.location.file}:${e.location.line}: `) + e.text).join('\n')
      throw new BuildError(`Build of ${entry.source} failed:\n${text}`)
    }
    // A second, independent check on the output: its only imports are the allowed built-ins and other entries.
    const output = Object.values(result.metafile.outputs).find(o => o.entryPoint !== undefined)
    const allowed = [...ALLOWED_BUILTINS, ...config.entries.filter(e => e.name !== entry.name).map(e => `./${e.name}`)]
    const stray = (output?.imports ?? []).filter(i => !allowed.includes(i.path))
    if (stray.length > 0) throw new BuildError(`${entry.source}: the bundle imports ${stray.map(i => i.path).join(', ')}; only ${allowed.join(', ')} may stay external`)
    copyFileSync(file, join(outDir, 'src', `${entry.name}.js`))
    built.push({ name: entry.name, source: entry.source, file, bytes: output?.bytes ?? statSync(file).size })
  }
  return built
}
