import { existsSync, readFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { bundle, BuildError, type BuiltEntry } from './bundle'
import { CliError, credentials, parseCommandLine, project, reportFailure, type Io } from './cli'
import type { CxConfig } from './config'
import { CxApi } from './cxApi'
import { readEnvFile } from './envFile'
import {
  createFile, createVar, deleteVar, DEPLOYABLE_TYPES, getFile, listApps, listFiles, listVars, mcpEndpoint, updateFile, updateVar,
  type RemoteApp, type RemoteFile, type RemoteVar
} from './scriptForge'

const USAGE = `Usage: npm run deploy [-- options]
Builds the app (cx.config.json) and pushes every file the build makes to the ScriptForge file
of that name in the app: created when missing, updated when changed, left alone when identical.
The files the server loads on demand (one per tool, the prompts, the resources) go first, the
entries last, so that the server's file never names a file the app does not have yet. Files
of the app that the build no longer makes are left alone. Never touches the app's environment
variables; --env is the separate step that pushes cx.env.

  --dry-run   show what would change, change nothing
  --env       push cx.env to the app's variables instead of the files: shows the difference
              first, creates and updates only (values are never printed)
  --prune     with --env: also delete the app's variables that cx.env does not have
  --yes       with --env: apply without asking (required when there is no terminal)
  --help      show this

Credentials: CX_REFRESH_TOKEN and APP_ID from the environment or .env (npm run configure).
Exit status: 0 done (or nothing to do), 1 anything failed, 2 wrong usage.`

/** What the deploy does with one file. */
type Action = 'create' | 'update' | 'unchanged'

interface PlannedFile {
  name: string
  code: string
  action: Action
  /** The app's file of that name, when it has one. */
  remote?: RemoteFile
}

const kib = (text: string): string => `${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB`

/**
 * The app's files that an earlier build made and this one does not (a removed tool's file): named
 * like a file an entry loads on demand (`mcp` + a capital), of the type we deploy. Nothing loads
 * them; the API to delete a file is not known, so they are listed, not deleted.
 */
function staleFiles (remote: RemoteFile[], built: BuiltEntry[], fronts: string[]): RemoteFile[] {
  const names = new Set(built.map(b => b.name))
  return remote.filter(f => !names.has(f.name) && (f.type === undefined || DEPLOYABLE_TYPES.includes(f.type)) &&
    fronts.some(front => f.name.startsWith(front) && /^[A-Z]/.test(f.name.slice(front.length))))
}

/** Compares each bundle with the app's file of the same name, and finds the files no build makes any more. */
async function planFiles (api: CxApi, appId: string, built: BuiltEntry[], fronts: string[]): Promise<{ plan: PlannedFile[], stale: RemoteFile[] }> {
  const remote = await listFiles(api, appId)
  const plan = await Promise.all(built.map(async entry => {
    const code = readFileSync(entry.file, 'utf8')
    const named = remote.filter(f => f.name === entry.name)
    if (named.length > 1) {
      throw new CliError(`App ${appId} has ${named.length} files named ${entry.name} (ids ${named.map(f => f.id).join(', ')}): remove the extra ones in the IDE first, so that it is clear which to update.`)
    }
    const match = named[0]
    if (match === undefined) return { name: entry.name, code, action: 'create' as const }
    if (match.type !== undefined && !DEPLOYABLE_TYPES.includes(match.type)) {
      throw new CliError(`App ${appId}'s file ${entry.name} (id ${match.id}) is of type "${match.type}", not quickjs: it is not ours to overwrite. Rename the entry in cx.config.json or the file in the IDE.`)
    }
    const current = await getFile(api, match.id)
    return { name: entry.name, code, action: current.code === code ? 'unchanged' as const : 'update' as const, remote: match }
  }))
  return { plan, stale: staleFiles(remote, built, fronts) }
}

/** Writes one file, then reads it back: only a file whose stored code is what we sent counts as done. */
async function pushFile (api: CxApi, appId: string, file: PlannedFile): Promise<string> {
  let id = file.remote === undefined ? undefined : String(file.remote.id)
  if (file.remote === undefined) {
    id = await createFile(api, appId, file.name, file.code)
    id ??= (await listFiles(api, appId)).find(f => f.name === file.name)?.id?.toString()
    if (id === undefined) throw new Error('the API accepted the file, but the app does not list it')
  } else {
    await updateFile(api, file.remote, file.code)
  }
  const stored = await getFile(api, id!)
  if (stored.code !== file.code) throw new Error(`read back, file ${id} does not hold the code sent (${kib(stored.code ?? '')} stored, ${kib(file.code)} sent)`)
  return id!
}

/**
 * Ready-to-paste client configurations for the MCP endpoint, one line per item. None holds a
 * token: VS Code asks for it, Claude Code and Cursor read it from the environment variable
 * CONNEXCS_TOKEN (their `${VAR}` and `${env:VAR}` expansions), Claude Desktop's has a placeholder.
 */
export function clientConfigs (name: string, url: string): string[] {
  const vscode = {
    servers: { [name]: { type: 'http', url, headers: { Authorization: 'Bearer ${input:connexcs-token}' } } },
    inputs: [{ type: 'promptString', id: 'connexcs-token', description: 'ConnexCS JWT access token', password: true }]
  }
  const claude = { mcpServers: { [name]: { type: 'http', url, headers: { Authorization: 'Bearer ${CONNEXCS_TOKEN}' } } } }
  const cursor = { mcpServers: { [name]: { url, headers: { Authorization: 'Bearer ${env:CONNEXCS_TOKEN}' } } } }
  // Claude Desktop's config file takes stdio servers only: mcp-remote bridges it to the HTTP endpoint.
  const desktop = { mcpServers: { [name]: { command: 'npx', args: ['-y', 'mcp-remote', url, '--header', 'Authorization:${AUTH_HEADER}'], env: { AUTH_HEADER: 'Bearer <ACCESS_TOKEN>' } } } }
  return [
    `MCP endpoint: ${url}`,
    'Clients send a ConnexCS JWT access token (Control Panel: Setup > Integrations > JWT Keys, type Access Token).',
    '',
    'VS Code, .vscode/mcp.json (asks for the token once and keeps it out of the file):',
    JSON.stringify(vscode, null, 2),
    '',
    'Claude Code, .mcp.json (reads the token from CONNEXCS_TOKEN in the environment it starts in):',
    JSON.stringify(claude, null, 2),
    '',
    // Single quotes: the shell must not expand the variable, so that the file keeps the reference.
    `Or: claude mcp add --transport http --scope project ${name} ${url} --header 'Authorization: Bearer \${CONNEXCS_TOKEN}'`,
    '',
    'Cursor, .cursor/mcp.json (reads the token from CONNEXCS_TOKEN too):',
    JSON.stringify(cursor, null, 2),
    '',
    'Claude Desktop, claude_desktop_config.json (through mcp-remote); replace <ACCESS_TOKEN>:',
    JSON.stringify(desktop, null, 2)
  ].flatMap(text => text.split('\n'))
}

async function deployFiles (io: Io, api: CxApi, config: CxConfig, app: RemoteApp, dryRun: boolean): Promise<number> {
  const appId = String(app.id)
  let built: BuiltEntry[]
  try {
    built = await bundle(config, io.root)
  } catch (error) {
    if (error instanceof BuildError) throw new CliError(error.message)
    throw error
  }
  const parts = built.filter(b => b.part)
  io.out(`Built ${built.filter(b => !b.part).map(b => `${relative(io.root, b.file)} (${(b.bytes / 1024).toFixed(1)} KiB)`).join(', ')}` +
    (parts.length === 0 ? '.' : ` and ${parts.length} files it loads on demand (${(parts.reduce((n, b) => n + b.bytes, 0) / 1024).toFixed(1)} KiB).`))

  // What the server's file loads first: a request that comes between two writes finds every file it names.
  const { plan, stale } = await planFiles(api, appId, [...parts, ...built.filter(b => !b.part)], config.entries.map(e => e.name))
  const width = Math.max(...plan.map(p => p.name.length), ...stale.map(f => f.name.length))
  for (const file of plan) io.out(`  ${file.name.padEnd(width)}  ${file.action.padEnd(9)}  ${kib(file.code)}`)
  for (const file of stale) io.out(`  ${file.name.padEnd(width)}  stale      id ${file.id}: no build makes it and nothing loads it; delete it in the ScriptForge IDE`)
  const changes = plan.filter(p => p.action !== 'unchanged')
  const count = (action: Action, list = plan): number => list.filter(p => p.action === action).length
  if (dryRun) {
    io.out(`Dry run: nothing was changed. A deploy would create ${count('create')}, update ${count('update')} and leave ${count('unchanged')} unchanged.`)
    return 0
  }

  const ids = new Map(plan.filter(p => p.remote !== undefined).map(p => [p.name, String(p.remote!.id)]))
  for (const [i, file] of changes.entries()) {
    try {
      const id = await pushFile(api, appId, file)
      ids.set(file.name, id)
      io.out(`  ${file.name.padEnd(width)}  ${file.action === 'create' ? 'created' : 'updated'} (id ${id}, verified)`)
    } catch (error) {
      io.err(`  ${file.name.padEnd(width)}  FAILED to ${file.action}: ${(error as Error).message}`)
      for (const rest of changes.slice(i + 1)) io.err(`  ${rest.name.padEnd(width)}  not attempted (${rest.action})`)
      const done = changes.slice(0, i)
      io.err(`Deploy failed: ${done.length} of ${changes.length} changed files written${done.length === 0 ? '' : ` (${done.map(d => d.name).join(', ')})`}; ${file.name} failed${changes.length - i - 1 === 0 ? '' : `, ${changes.length - i - 1} not attempted`}.`)
      return 1
    }
  }
  io.out(`Deployed to app ${appId} (${app.name}): ${count('create')} created, ${count('update')} updated, ${count('unchanged')} unchanged` +
    (stale.length === 0 ? '.' : `; ${stale.length} stale left on the app (${stale.map(f => f.name).join(', ')}), listed above.`))
  const server = config.entries[0]!.name
  io.out('')
  for (const line of clientConfigs(config.app, mcpEndpoint(api.baseUrl, ids.get(server)!))) io.out(line)
  return 0
}

/** The difference between cx.env and the app's variables, by key. */
interface EnvChange {
  key: string
  action: 'create' | 'update' | 'unchanged' | 'delete' | 'keep'
  value?: string
  remote?: RemoteVar
}

function planEnv (local: Record<string, string>, remote: RemoteVar[], prune: boolean): EnvChange[] {
  const byKey = new Map(remote.map(v => [v.key, v]))
  const changes: EnvChange[] = Object.entries(local).map(([key, value]) => {
    const current = byKey.get(key)
    if (current === undefined) return { key, action: 'create', value }
    return { key, action: current.value === value ? 'unchanged' : 'update', value, remote: current }
  })
  for (const v of remote.filter(r => !(r.key in local))) changes.push({ key: v.key, action: prune ? 'delete' : 'keep', remote: v })
  return changes.toSorted((a, b) => (a.key < b.key ? -1 : 1))
}

const ENV_WORDS: Record<EnvChange['action'], string> = {
  create: '+ create',
  update: '~ update (value differs)',
  unchanged: '= unchanged',
  delete: '- delete (not in cx.env; --prune)',
  keep: '  kept (only on the app; --prune would delete it)'
}

async function deployEnv (io: Io, api: CxApi, app: RemoteApp, options: { dryRun: boolean, yes: boolean, prune: boolean }): Promise<number> {
  const appId = String(app.id)
  const file = resolve(io.root, 'cx.env')
  if (!existsSync(file)) {
    throw new CliError(`${file} not found: nothing to push. (A missing cx.env never deletes the app's variables here, unlike \`cx push\`.)`)
  }
  const plan = planEnv(readEnvFile(file), await listVars(api, appId), options.prune)
  io.out(`Variables of app ${appId} (${app.name}) against cx.env; values are not shown:`)
  const width = Math.max(0, ...plan.map(c => c.key.length))
  for (const change of plan) io.out(`  ${change.key.padEnd(width)}  ${ENV_WORDS[change.action]}`)
  const writes = plan.filter(c => c.action === 'create' || c.action === 'update' || c.action === 'delete')
  if (writes.length === 0) {
    io.out('Nothing to change.')
    return 0
  }
  if (options.dryRun) {
    io.out(`Dry run: nothing was changed (${writes.length} change${writes.length === 1 ? '' : 's'} pending).`)
    return 0
  }
  if (!options.yes) {
    if (!io.interactive) throw new CliError(`Not applied: ${writes.length} change${writes.length === 1 ? '' : 's'} to the app's variables need confirming. Re-run with --yes (there is no terminal to ask at).`)
    const answer = await io.prompter.ask(`Apply ${writes.length} change${writes.length === 1 ? '' : 's'} to app ${appId}'s variables? [y/N] `)
    if (!/^y(es)?$/i.test(answer)) {
      io.err('Cancelled: nothing was changed.')
      return 1
    }
  }
  for (const [i, change] of writes.entries()) {
    try {
      if (change.action === 'create') await createVar(api, appId, change.key, change.value!)
      else if (change.action === 'update') await updateVar(api, appId, change.remote!, change.value!)
      else await deleteVar(api, change.remote!)
      io.out(`  ${change.key.padEnd(width)}  ${change.action === 'create' ? 'created' : change.action === 'update' ? 'updated' : 'deleted'}`)
    } catch (error) {
      io.err(`  ${change.key.padEnd(width)}  FAILED to ${change.action}: ${(error as Error).message}`)
      for (const rest of writes.slice(i + 1)) io.err(`  ${rest.key.padEnd(width)}  not attempted (${rest.action})`)
      io.err(`Variables not fully pushed: ${i} of ${writes.length} changes made.`)
      return 1
    }
  }
  io.out(`Pushed cx.env to app ${appId}: ${writes.length} change${writes.length === 1 ? '' : 's'} made.`)
  return 0
}

/** `npm run deploy`. */
export async function deployCommand (argv: string[], io: Io): Promise<number> {
  try {
    const { values } = parseCommandLine({
      args: argv,
      options: { 'dry-run': { type: 'boolean' }, env: { type: 'boolean' }, prune: { type: 'boolean' }, yes: { type: 'boolean', short: 'y' }, help: { type: 'boolean' } },
      allowPositionals: false
    }, USAGE)
    if (values.help === true) {
      io.out(USAGE)
      return 0
    }
    if (values.env !== true && (values.prune === true || values.yes === true)) throw new CliError(`--prune and --yes belong to --env\n\n${USAGE}`, 2)
    const { config, baseUrl } = project(io)
    const { refreshToken, appId } = credentials(io)
    const api = new CxApi({ baseUrl, refreshToken, onRetry: m => io.err(`  ${m}`), ...(io.sleep === undefined ? {} : { sleep: io.sleep }) })
    const apps = await listApps(api)
    const app = apps.find(a => String(a.id) === appId)
    if (app === undefined) {
      throw new CliError(`APP_ID ${appId} is not an app of this account (its apps: ${apps.map(a => `${a.id} ${a.name}`).join(', ') || 'none'}). Run \`npm run configure -- --app <name|id>\`.`)
    }
    io.out(`App ${app.id} (${app.name}) at ${baseUrl}`)
    const dryRun = values['dry-run'] === true
    return values.env === true
      ? await deployEnv(io, api, app, { dryRun, yes: values.yes === true, prune: values.prune === true })
      : await deployFiles(io, api, config, app, dryRun)
  } catch (error) {
    return reportFailure(io, error)
  }
}
