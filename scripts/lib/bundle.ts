import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, relative, resolve } from 'node:path'
import { build, type BuildOptions, type Plugin } from 'esbuild'
import { loadConfig, ROOT, type CxConfig } from './config'

/** The ScriptForge built-ins `src/` may import; everything else must be bundled. */
export const ALLOWED_BUILTINS = ['cxMcpServer', 'cxRest'] as const

/** Other ScriptForge built-ins: real, but not emulated locally, so not allowed yet. */
const OTHER_BUILTINS = ['cxKV', 'cxKysely', 'cxCallControl', 'cxC5Server', 'cxJob', 'cxUserspace', 'cxPubSub', 'cxSend', 'cxWebSocket', 'cxRouter', 'cxRegistry']

/** One built file of the app. */
export interface BuiltEntry {
  /** ScriptForge file name. */
  name: string
  /** The entry of cx.config.json, or for a file the server loads on demand what it holds (`src/tools/getSipTrace.ts`). */
  source: string
  /** Absolute path of the bundle. */
  file: string
  bytes: number
  /** True for a file the server's file loads with `import()` (a tool, the prompts, the resources): not an entry of cx.config.json. */
  part: boolean
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

/** The entry that serves MCP: in the on-demand build, the front that loads the other files. */
const FRONT_SOURCE = 'src/mcp.ts'

/** The module the on-demand build replaces with the catalog and its loaders (see the module itself). */
const LOADING_MODULE = 'src/loading.ts'

/** The file of one part the front loads: `mcp` + `GetSipTrace`, `Prompts`, `Resources`. */
export function partName (front: string, part: string): string {
  return `${front}${part.charAt(0).toUpperCase()}${part.slice(1)}`
}

const COMMON: BuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2023',
  mainFields: ['module', 'main'],
  minify: true,
  legalComments: 'none',
  logLevel: 'silent'
}

/** The message of an esbuild failure, each error with its file and line. */
function buildFailure (error: unknown, what: string): BuildError {
  const errors = (error as { errors?: { text: string, location?: { file: string, line: number } | null }[] }).errors
  const text = errors === undefined
    ? String(error)
    : errors.map(e => (e.location === null || e.location === undefined ? '' : `${e.location.file}:${e.location.line}: `) + e.text).join('\n')
  return new BuildError(`Build of ${what} failed:\n${text}`)
}

/** A tool's metadata as the front's catalog holds it: JSON, with each pattern's RegExp as its source and flags. */
interface CatalogEntry {
  name: string
  params: Record<string, { pattern?: unknown }>
}

/**
 * The tools' metadata (the catalog of `src/loading.ts`), read by running the sources in Node:
 * bundled with the emulated built-ins, imported from a data URL. Only what is JSON is kept, so a
 * function or an undefined value in a record fails the build instead of going missing.
 */
async function catalogOf (root: string): Promise<CatalogEntry[]> {
  const builtin = (name: string): string => resolve(import.meta.dirname, `../../platform/scriptforge/builtins/${name}.ts`)
  let code
  try {
    code = (await build({
      ...COMMON,
      minify: false,
      absWorkingDir: root,
      write: false,
      stdin: {
        contents: `import { CATALOG } from ${JSON.stringify(resolve(root, LOADING_MODULE))}
export const catalog = CATALOG.map(({ name, title, description, readOnly, destructive, params }) => ({ name, title, description, readOnly, ...(destructive === true ? { destructive } : {}), params }))`,
        resolveDir: root,
        loader: 'ts'
      },
      plugins: [{
        name: 'emulated-builtins',
        setup (b) {
          b.onResolve({ filter: /^cx(McpServer|Rest)$/ }, args => ({ path: builtin(args.path) }))
        }
      }]
    })).outputFiles[0]!.text
  } catch (error) {
    throw buildFailure(error, `the tools' metadata (${LOADING_MODULE})`)
  }
  const { catalog } = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`) as { catalog: unknown[] }
  const text = JSON.stringify(catalog, (key, value: unknown) => {
    if (value instanceof RegExp) return { source: value.source, flags: value.flags }
    if (typeof value === 'function' || value === undefined) throw new BuildError(`the metadata of a tool holds ${typeof value} at "${key}": only JSON can go in the front's catalog`)
    return value
  })
  return JSON.parse(text) as CatalogEntry[]
}

/**
 * What replaces `src/loading.ts` in the on-demand front: the catalog as one JSON string (lexing a
 * string costs far less than compiling code, so the front hardly grows per tool), each pattern's
 * RegExp rebuilt, and an `import()` of each tool's file, the prompts' and the resources'.
 */
function loaderModule (front: string, catalog: CatalogEntry[]): string {
  const load = (part: string): string => `import(${JSON.stringify(`./${partName(front, part)}`)})`
  return [
    `const CATALOG_JSON = ${JSON.stringify(JSON.stringify(catalog))}`,
    'export const LOADING = "on demand"',
    'export const CATALOG = JSON.parse(CATALOG_JSON)',
    'for (const tool of CATALOG) for (const spec of Object.values(tool.params)) if (spec.pattern !== undefined) spec.pattern.regex = new RegExp(spec.pattern.regex.source, spec.pattern.regex.flags)',
    'export function loadTool (name) {',
    '  switch (name) {',
    ...catalog.map(t => `    case ${JSON.stringify(t.name)}: return ${load(t.name)}`),
    '    default: return Promise.reject(new Error("no tool named " + name))',
    '  }',
    '}',
    `export function loadPrompts () { return ${load('prompts')} }`,
    `export function loadResources () { return ${load('resources')} }`
  ].join('\n')
}

/**
 * The on-demand front: `src/loading.ts` replaced by {@link loaderModule}, its `import()`s kept
 * external, and each tool module's `defineTool(...)` marked pure, so that what the front imports
 * from a tool's module (an opt-in rule) does not pull the tool's code in with it.
 */
function lazyFront (root: string, loader: string, parts: readonly string[]): Plugin {
  const loading = resolve(root, LOADING_MODULE)
  const tools = resolve(root, 'src/tools')
  return {
    name: 'lazy-front',
    setup (b) {
      b.onResolve({ filter: /^\.\// }, args => (parts.includes(args.path.slice(2)) && args.importer === loading ? { path: args.path, external: true } : undefined))
      b.onLoad({ filter: /\.ts$/ }, args => {
        if (args.path === loading) return { contents: loader, loader: 'js', resolveDir: resolve(root, 'src') }
        if (args.path.startsWith(`${tools}/`)) return { contents: readFileSync(args.path, 'utf8').replace(/= defineTool\(/g, '= /* @__PURE__ */ defineTool('), loader: 'ts' }
        return undefined
      })
    }
  }
}

/** The virtual entry of each part: a tool (with how to run it), the prompts, the resources. */
function partSources (root: string, catalog: CatalogEntry[]): Record<string, { source: string, contents: string }> {
  const at = (path: string): string => JSON.stringify(resolve(root, path))
  const context = `export { requestContext } from ${at('src/lib/requestContext.ts')}`
  const parts: Record<string, { source: string, contents: string }> = {}
  for (const tool of catalog) {
    const source = `src/tools/${tool.name}.ts`
    parts[tool.name] = {
      source,
      contents: `export { ${tool.name} as tool } from ${at(source)}\nexport { runTool } from ${at('src/lib/defineTool.ts')}\n${context}`
    }
  }
  parts.prompts = { source: 'src/prompts.ts', contents: `export * from ${at('src/frontPrompts.ts')}` }
  parts.resources = { source: 'src/resources.ts', contents: `export * from ${at('src/frontResources.ts')}` }
  return parts
}

/** The output's imports that are not allowed: anything but the built-ins and the files named. */
function strayImports (output: { imports: { path: string }[] } | undefined, allowed: readonly string[]): string[] {
  return (output?.imports ?? []).map(i => i.path).filter(path => !(ALLOWED_BUILTINS as readonly string[]).includes(path) && !allowed.includes(path))
}

/**
 * Bundles the app into `<outDir>/<name>.js`: minified ES2023 modules, each with a source map
 * beside it, importing nothing but the ScriptForge built-ins and the app's other files (`./name`).
 * With `"loading": "lazy"` (the default), the entry that serves MCP (`src/mcp.ts`) is the front
 * and the tools' metadata; each tool, the prompts and the resources get a file of their own,
 * named after the front (`mcpGetSipTrace`, `mcpPrompts`, `mcpResources`: stable names, as the
 * deploy compares files by name), which the front loads with `import()` when first needed. With
 * `"loading": "bundle"`, each entry is one file with everything. Files of an earlier build that
 * this one did not make are removed. A copy of each goes to `<outDir>/src/<name>.js`, the flat
 * layout the vendor `cx` CLI pushes from.
 *
 * `options.only` keeps only the tools named (the bench's measure of how the front grows with tools).
 *
 * @throws BuildError naming the offending import when `src/` uses something ScriptForge lacks.
 */
export async function bundle (config: CxConfig = loadConfig(), root = ROOT, options: { only?: readonly string[] } = {}): Promise<BuiltEntry[]> {
  const outDir = resolve(root, config.outDir)
  mkdirSync(join(outDir, 'src'), { recursive: true })
  const front = config.entries.find(e => e.source === FRONT_SOURCE)
  const lazy = (config.loading ?? 'lazy') === 'lazy' && front !== undefined
  const catalog = lazy ? (await catalogOf(root)).filter(t => options.only?.includes(t.name) ?? true) : []
  const parts = lazy ? partSources(root, catalog) : {}
  const partNames = Object.keys(parts).map(p => partName(front!.name, p))
  const clash = partNames.find(n => config.entries.some(e => e.name === n))
  if (clash !== undefined) throw new BuildError(`cx.config.json: the entry name ${clash} is the name of a file the server loads on demand; rename the entry`)
  const built: BuiltEntry[] = []
  for (const entry of config.entries) {
    const file = join(outDir, `${entry.name}.js`)
    const isFront = lazy && entry === front
    let result
    try {
      result = await build({
        ...COMMON,
        absWorkingDir: root,
        entryPoints: [resolve(root, entry.source)],
        outfile: file,
        sourcemap: 'external',
        metafile: true,
        plugins: [
          ...(isFront ? [lazyFront(root, loaderModule(entry.name, catalog), partNames)] : []),
          entryImports(config, root, entry.name),
          scriptForgeImports
        ]
      })
    } catch (error) {
      throw buildFailure(error, entry.source)
    }
    // A second, independent check on the output: its only imports are the allowed built-ins and other files of the app.
    const output = Object.values(result.metafile.outputs).find(o => o.entryPoint !== undefined)
    const stray = strayImports(output, [...config.entries.filter(e => e.name !== entry.name).map(e => `./${e.name}`), ...(isFront ? partNames.map(n => `./${n}`) : [])])
    if (stray.length > 0) throw new BuildError(`${entry.source}: the bundle imports ${stray.join(', ')}; only ${ALLOWED_BUILTINS.join(', ')} and the app's own files may stay external`)
    built.push({ name: entry.name, source: entry.source, file, bytes: output?.bytes ?? statSync(file).size, part: false })
  }
  if (lazy) {
    // Each part is self-contained: its first call compiles one file, whatever else the app holds.
    const names = Object.fromEntries(Object.keys(parts).map(p => [`cx-part:${p}`, partName(front!.name, p)]))
    let result
    try {
      result = await build({
        ...COMMON,
        absWorkingDir: root,
        entryPoints: Object.entries(names).map(([input, output]) => ({ in: input, out: output })),
        outdir: outDir,
        sourcemap: 'external',
        metafile: true,
        plugins: [{
          name: 'parts',
          setup (b) {
            b.onResolve({ filter: /^cx-part:/ }, args => ({ path: args.path, namespace: 'cx-part' }))
            b.onLoad({ filter: /.*/, namespace: 'cx-part' }, args => ({ contents: parts[args.path.slice('cx-part:'.length)]!.contents, loader: 'ts', resolveDir: root }))
          }
        }, scriptForgeImports]
      })
    } catch (error) {
      throw buildFailure(error, 'the files loaded on demand')
    }
    for (const [path, output] of Object.entries(result.metafile.outputs)) {
      if (output.entryPoint === undefined) continue
      const part = output.entryPoint.replace(/^cx-part:cx-part:/, '').replace(/^cx-part:/, '')
      const name = partName(front!.name, part)
      const stray = strayImports(output, [])
      if (stray.length > 0) throw new BuildError(`${parts[part]!.source}: its file imports ${stray.join(', ')}; only ${ALLOWED_BUILTINS.join(', ')} may stay external`)
      built.push({ name, source: parts[part]!.source, file: resolve(root, path), bytes: output.bytes, part: true })
    }
  }
  // Nothing of an earlier build stays beside this one: the app's files are exactly what was built.
  const keep = new Set(built.flatMap(b => [`${b.name}.js`, `${b.name}.js.map`]))
  for (const dir of [outDir, join(outDir, 'src')]) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isFile() && /\.js(\.map)?$/.test(entry.name) && !keep.has(entry.name)) unlinkSync(join(dir, entry.name))
    }
  }
  for (const b of built) copyFileSync(b.file, join(outDir, 'src', `${b.name}.js`))
  return built
}

/** The app's files as the last build left them in `<outDir>`: ScriptForge file name → code. */
export function appFiles (config: CxConfig = loadConfig(), root = ROOT): Record<string, string> {
  const outDir = resolve(root, config.outDir)
  return Object.fromEntries(readdirSync(outDir).filter(f => f.endsWith('.js')).toSorted().map(f => [f.slice(0, -3), readFileSync(join(outDir, f), 'utf8')]))
}
