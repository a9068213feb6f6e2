import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ScriptForgeStore, scriptForgeApi } from '../../platform/scriptforge/api'
import { apiRoute, startPlatformServer, type PlatformRoute } from '../../platform/server'
import { deployCommand } from '../../scripts/lib/deployCommand'
import { optInTools, tools } from '../../src/tools/index'
import { APP, captureIo, npmRun, OTHER_APP, SEED_VARS, startFakePlatform, tempProject, USER, writeDotEnv, type FakePlatform } from './helpers'

let fake: FakePlatform
let project: ReturnType<typeof tempProject>

beforeEach(async () => {
  fake = await startFakePlatform()
  project = tempProject()
  writeDotEnv(project.root, fake)
})

afterEach(async () => {
  await fake.close()
  project.remove()
})

/** The app's variables exactly as the API serves them. */
async function varsAsServed (appId: number): Promise<string> {
  const response = await fetch(`${fake.platform.baseUrl}setup/var?app_id=${appId}`, { headers: { Authorization: `Bearer ${fake.platform.issueToken(USER, 'access')}` } })
  return response.text()
}

async function deploy (args: string[] = [], env: Record<string, string> = {}) {
  const run = captureIo(project.root, env)
  const code = await deployCommand(args, run.io)
  return { code, ...run }
}

const fileWrites = () => fake.store.writes.filter(w => w.kind === 'file').map(w => `${w.op} ${w.name}`)
/** The files the server loads on demand, in the order the deploy pushes them (before the entries). */
const PARTS = [...tools, ...optInTools.map(o => o.tool)].map(t => `mcp${t.name.charAt(0).toUpperCase()}${t.name.slice(1)}`).concat('mcpPrompts', 'mcpResources')
const FILES = [...PARTS, 'mcp', 'selfTest']
const stored = (name: string) => fake.store.files.find(f => f.app_id === APP.id && f.name === name)
const built = (name: string) => readFileSync(join(project.root, 'dist', `${name}.js`), 'utf8')
const planLines = (lines: string[]) => lines.filter(l => /^ {2}\S+\s+(create|update|unchanged)\s+\d+\.\d KiB$/.test(l)).map(l => l.trim().split(/\s+/).slice(0, 2).join(' '))

describe('npm run deploy', () => {
  it('creates every file first, then uploads nothing unchanged, and updates only the files a change touches', async () => {
    const first = await deploy()
    expect(first.err).toEqual([])
    expect(first.code).toBe(0)
    expect(first.out.find(l => l.startsWith('Built '))).toMatch(new RegExp(`^Built dist/mcp\\.js \\(\\d+\\.\\d KiB\\), dist/selfTest\\.js \\(\\d+\\.\\d KiB\\) and ${PARTS.length} files it loads on demand \\(\\d+\\.\\d KiB\\)\\.$`))
    expect(planLines(first.out)).toEqual(FILES.map(f => `${f} create`))
    // The files the server loads first, the server's own file after them.
    expect(fileWrites()).toEqual(FILES.map(f => `create ${f}`))
    for (const name of FILES) expect(stored(name)!.code, name).toBe(built(name))
    expect(first.out).toContain(`  mcp                        created (id ${stored('mcp')!.id}, verified)`)
    // The vendor CLI pushes ./src/<name>.js of the folder it runs in: from dist/, the same bytes.
    for (const name of FILES) expect(readFileSync(join(project.root, 'dist/src', `${name}.js`), 'utf8')).toBe(stored(name)!.code)
    expect(first.out).toContain(`Deployed to app 1 (cx-mcp): ${FILES.length} created, 0 updated, 0 unchanged.`)

    // Blank variables count as unset (an unset repository variable reaches CI as ''): .env decides.
    const second = await deploy([], { CX_BASE_URL: '', APP_ID: ' ' })
    expect(second.code).toBe(0)
    expect(planLines(second.out)).toEqual(FILES.map(f => `${f} unchanged`))
    expect(fileWrites()).toEqual(FILES.map(f => `create ${f}`))
    expect(second.out).toContain(`Deployed to app 1 (cx-mcp): 0 created, 0 updated, ${FILES.length} unchanged.`)

    // A tool's description changes: its file and the server's (which holds every tool's metadata), not the self-test's.
    const tool = join(project.root, 'src/tools/getRtpServerGroups.ts')
    writeFileSync(tool, readFileSync(tool, 'utf8').replace('List the media (RTP) zones', 'List every media (RTP) zone'))
    const dry = await deploy(['--dry-run'])
    expect(dry.code).toBe(0)
    expect(planLines(dry.out)).toEqual(FILES.map(f => `${f} ${f === 'mcpGetRtpServerGroups' || f === 'mcp' ? 'update' : 'unchanged'}`))
    expect(dry.out.at(-1)).toBe(`Dry run: nothing was changed. A deploy would create 0, update 2 and leave ${FILES.length - 2} unchanged.`)
    expect(fileWrites()).toEqual(FILES.map(f => `create ${f}`))
    expect(stored('mcp')!.code).not.toContain('List every media (RTP) zone')

    const third = await deploy()
    expect(third.code).toBe(0)
    expect(fileWrites().slice(FILES.length)).toEqual(['update mcpGetRtpServerGroups', 'update mcp'])
    expect(stored('mcp')!.code).toBe(built('mcp'))
    expect(stored('mcp')!.code).toContain('List every media (RTP) zone')
    expect(third.out).toContain(`Deployed to app 1 (cx-mcp): 0 created, 2 updated, ${FILES.length - 2} unchanged.`)

    // Its code alone changes: only its file.
    writeFileSync(tool, readFileSync(tool, 'utf8').replace('media zones, ${active.length} active', 'media zones; ${active.length} active'))
    const fourth = await deploy()
    expect(fourth.code).toBe(0)
    expect(fileWrites().slice(FILES.length + 2)).toEqual(['update mcpGetRtpServerGroups'])
    expect(stored('mcpGetRtpServerGroups')!.code).toContain('media zones; ')
  })

  it('lists the files an earlier build made that this one does not (a removed tool\'s), and leaves them', async () => {
    const removed = fake.store.addFile(APP.id, 'mcpRemovedTool', 'export const tool = {}', 'quickjs')
    fake.store.addFile(APP.id, 'helper', 'export const x = 1', 'quickjs')
    const run = await deploy()
    expect(run.code).toBe(0)
    expect(run.out.filter(l => l.includes('stale'))).toEqual([
      `  mcpRemovedTool             stale      id ${removed.id}: no build makes it and nothing loads it; delete it in the ScriptForge IDE`,
      `Deployed to app 1 (cx-mcp): ${FILES.length} created, 0 updated, 0 unchanged; 1 stale left on the app (mcpRemovedTool), listed above.`
    ])
    expect(fileWrites()).toEqual(FILES.map(f => `create ${f}`))
    expect(stored('mcpRemovedTool')!.code).toBe('export const tool = {}')
  })

  it('ends with the MCP endpoint and client configs, and never prints a token', async () => {
    const { code, out, text } = await deploy()
    expect(code).toBe(0)
    const url = `${fake.platform.baseUrl}scriptforge/${stored('mcp')!.id}/run`
    expect(out).toContain(`MCP endpoint: ${url}`)
    const blocks = text().split('\n\n')
    const vscode = JSON.parse(blocks.find(b => b.startsWith('VS Code'))!.split('\n').slice(1).join('\n'))
    expect(vscode).toEqual({
      servers: { 'cx-mcp': { type: 'http', url, headers: { Authorization: 'Bearer ${input:connexcs-token}' } } },
      inputs: [{ type: 'promptString', id: 'connexcs-token', description: 'ConnexCS JWT access token', password: true }]
    })
    // Claude Code and Cursor read the token from the environment: no token, no placeholder in the file.
    const claude = JSON.parse(blocks.find(b => b.startsWith('Claude Code'))!.split('\n').slice(1).join('\n'))
    expect(claude).toEqual({ mcpServers: { 'cx-mcp': { type: 'http', url, headers: { Authorization: 'Bearer ${CONNEXCS_TOKEN}' } } } })
    expect(blocks).toContain(`Or: claude mcp add --transport http --scope project cx-mcp ${url} --header 'Authorization: Bearer \${CONNEXCS_TOKEN}'`)
    const cursor = JSON.parse(blocks.find(b => b.startsWith('Cursor'))!.split('\n').slice(1).join('\n'))
    expect(cursor).toEqual({ mcpServers: { 'cx-mcp': { url, headers: { Authorization: 'Bearer ${env:CONNEXCS_TOKEN}' } } } })
    // What is printed, in order: one heading line per config.
    expect(blocks.slice(blocks.findIndex(b => b.startsWith('MCP endpoint'))).map(b => b.split('\n')[0])).toEqual([
      `MCP endpoint: ${url}`,
      'VS Code, .vscode/mcp.json (asks for the token once and keeps it out of the file):',
      'Claude Code, .mcp.json (reads the token from CONNEXCS_TOKEN in the environment it starts in):',
      `Or: claude mcp add --transport http --scope project cx-mcp ${url} --header 'Authorization: Bearer \${CONNEXCS_TOKEN}'`,
      'Cursor, .cursor/mcp.json (reads the token from CONNEXCS_TOKEN too):',
      'Claude Desktop, claude_desktop_config.json (through mcp-remote); replace <ACCESS_TOKEN>:'
    ])
    const desktop = JSON.parse(blocks.find(b => b.startsWith('Claude Desktop'))!.split('\n').slice(1).join('\n'))
    expect(desktop).toEqual({
      mcpServers: { 'cx-mcp': { command: 'npx', args: ['-y', 'mcp-remote', url, '--header', 'Authorization:${AUTH_HEADER}'], env: { AUTH_HEADER: 'Bearer <ACCESS_TOKEN>' } } }
    })
    expect(text()).not.toContain(fake.refreshToken)
    expect(text()).not.toMatch(/eyJ[\w-]+\.eyJ/)
  })

  it('leaves the app\'s environment variables byte-identical, whatever it deploys', async () => {
    const before = [await varsAsServed(APP.id), await varsAsServed(OTHER_APP.id)]
    expect(JSON.parse(before[0]!).map((v: { key: string }) => v.key)).toEqual(SEED_VARS.filter(v => v.app_id === APP.id).map(v => v.key))
    // A cx.env that differs from the app must not matter to a deploy of files.
    writeFileSync(join(project.root, 'cx.env'), 'API_USERNAME=someone-else@example.com\n')
    expect((await deploy()).code).toBe(0)
    const tool = join(project.root, 'src/tools/getSipTrace.ts')
    writeFileSync(tool, readFileSync(tool, 'utf8').replace('Fetch and analyse', 'Fetch and read'))
    expect((await deploy()).code).toBe(0)
    expect([await varsAsServed(APP.id), await varsAsServed(OTHER_APP.id)]).toEqual(before)
    expect(fake.store.writes.filter(w => w.kind === 'var')).toEqual([])
  })

  it('refuses a bad refresh token, and an expired one, before changing anything', async () => {
    const bad = await deploy([], { CX_REFRESH_TOKEN: 'not.a.token' })
    expect(bad.code).toBe(1)
    expect(bad.err).toEqual(['The refresh token was refused (HTTP 401: Invalid token): it is invalid or has expired. Run `npm run configure` for a new one (in CI, renew the CX_REFRESH_TOKEN secret).'])

    const expired = fake.platform.issueToken(USER, 'refresh', -1)
    const old = await deploy([], { CX_REFRESH_TOKEN: expired })
    expect(old.code).toBe(1)
    expect(old.err).toEqual(['The refresh token was refused (HTTP 401: Token expired): it is invalid or has expired. Run `npm run configure` for a new one (in CI, renew the CX_REFRESH_TOKEN secret).'])
    expect(fake.store.writes).toEqual([])
  })

  it('warns when the refresh token is about to expire, and still deploys', async () => {
    const token = fake.platform.issueToken(USER, 'refresh', 3 * 86_400)
    const run = await deploy(['--dry-run'], { CX_REFRESH_TOKEN: token })
    expect(run.code).toBe(0)
    const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).exp as number
    const day = new Date(exp * 1000).toISOString().slice(0, 10)
    expect(run.err).toEqual([`Warning: the refresh token expires on ${day}: run \`npm run configure\` for a new one (and update the CX_REFRESH_TOKEN secret in CI).`])
  })

  it('refuses an APP_ID that is not an app of the account, and missing credentials', async () => {
    const unknown = await deploy([], { APP_ID: '99' })
    expect(unknown.code).toBe(1)
    expect(unknown.err).toEqual(['APP_ID 99 is not an app of this account (its apps: 1 cx-mcp, 2 billing). Run `npm run configure -- --app <name|id>`.'])

    writeFileSync(join(project.root, '.env'), '# nothing here\n')
    const missing = await deploy()
    expect(missing.code).toBe(1)
    expect(missing.err).toEqual(['CX_REFRESH_TOKEN and APP_ID not set: run `npm run configure` (it writes them to .env), or set them in the environment (in CI, as secrets).'])
    expect(fake.store.writes).toEqual([])
  })

  it('retries a 429 after its Retry-After and completes', async () => {
    fake.platform.setFaults([{ method: 'POST', path: 'scriptforge', status: 429, retryAfterS: 3, times: 1 }])
    const run = await deploy()
    expect(run.code).toBe(0)
    expect(run.waits).toEqual([3000])
    expect(run.err).toEqual(['  POST scriptforge: HTTP 429 (Too Many Requests (injected fault)); retrying in 3 s (1 of 4)'])
    expect(fileWrites()).toEqual(FILES.map(f => `create ${f}`))
  })

  it('gives up on a 429 that lasts, or asks for too long a wait, and says nothing was written', async () => {
    fake.platform.setFaults([{ method: 'POST', path: 'scriptforge', status: 429, retryAfterS: 2 }])
    const lasting = await deploy()
    expect(lasting.code).toBe(1)
    expect(lasting.waits).toEqual([2000, 2000, 2000, 2000])
    const pad = (name: string) => name.padEnd(Math.max(...FILES.map(f => f.length)))
    expect(lasting.err.slice(-FILES.length - 1)).toEqual([
      `  ${pad(FILES[0]!)}  FAILED to create: POST scriptforge: HTTP 429: Too Many Requests (injected fault)`,
      ...FILES.slice(1).map(f => `  ${pad(f)}  not attempted (create)`),
      `Deploy failed: 0 of ${FILES.length} changed files written; ${FILES[0]!} failed, ${FILES.length - 1} not attempted.`
    ])

    fake.platform.setFaults([{ path: 'scriptforge', status: 429, retryAfterS: 3600 }])
    const long = await deploy()
    expect(long.code).toBe(1)
    expect(long.waits).toEqual([])
    expect(long.err).toEqual(['GET scriptforge: HTTP 429: Too Many Requests (injected fault); the API asks to wait 3600 s, longer than 60 s: try again later'])
    expect(fake.store.writes).toEqual([])
    expect(lasting.out.join('\n') + long.out.join('\n')).not.toMatch(/created|Deployed/)
  })

  it('stops at a 500 and reports exactly what was written', async () => {
    expect((await deploy()).code).toBe(0)
    writeFileSync(join(project.root, 'src/selfTest.ts'), readFileSync(join(project.root, 'src/selfTest.ts'), 'utf8').replace('name: \'cx-mcp self-test\'', 'name: \'cx-mcp self-test (changed)\''))
    const tool = join(project.root, 'src/tools/getSipTrace.ts')
    writeFileSync(tool, readFileSync(tool, 'utf8').replace('Fetch and analyse', 'Fetch and read'))
    fake.platform.setFaults([{ method: 'PUT', path: `scriptforge/${stored('selfTest')!.id}`, status: 500 }])
    const run = await deploy()
    expect(run.code).toBe(1)
    const pad = (name: string) => name.padEnd(Math.max(...FILES.map(f => f.length)))
    expect(run.out).toContain(`  ${pad('mcp')}  updated (id ${stored('mcp')!.id}, verified)`)
    expect(run.out.join('\n')).not.toMatch(/selfTest\s+updated|Deployed/)
    expect(run.err).toEqual([
      `  ${pad('selfTest')}  FAILED to update: PUT scriptforge/${stored('selfTest')!.id}: HTTP 500: Internal Server Error (injected fault)`,
      'Deploy failed: 2 of 3 changed files written (mcpGetSipTrace, mcp); selfTest failed.'
    ])
    expect(fileWrites().slice(FILES.length)).toEqual(['update mcpGetSipTrace', 'update mcp'])

    fake.platform.setFaults([{ method: 'GET', path: 'scriptforge', status: 500 }])
    const listing = await deploy()
    expect(listing.code).toBe(1)
    expect(listing.err).toEqual(['GET scriptforge: HTTP 500: Internal Server Error (injected fault)'])
  })

  it('reports a usage error with exit status 2', async () => {
    const run = await deploy(['--force'])
    expect(run.code).toBe(2)
    expect(run.err[0]).toMatch(/^Unknown option '--force'/)
    expect((await deploy(['--yes'])).code).toBe(2)
  })
})

describe('npm run deploy: only what the server really stored counts as done', () => {
  it('fails a file whose stored code is not what was sent', async () => {
    const store = new ScriptForgeStore({ apps: [APP] })
    const inner = scriptForgeApi({ backend: fake.sw.api, store })
    // A server that cuts what it stores: the read-back catches it.
    const truncating: PlatformRoute = request => inner(request.method === 'POST' && request.path === 'scriptforge'
      ? { ...request, body: JSON.stringify({ ...JSON.parse(request.body), code: 'export {}' }) }
      : request)
    const platform = await startPlatformServer({ users: { [USER]: 'pw' }, routes: [truncating, apiRoute(fake.sw.api)] })
    try {
      const run = captureIo(project.root, { CX_BASE_URL: platform.baseUrl, CX_REFRESH_TOKEN: platform.issueToken(USER, 'refresh') })
      expect(await deployCommand([], run.io)).toBe(1)
      expect(run.err[0]).toMatch(new RegExp(`^ {2}${FILES[0]!} +FAILED to create: read back, file \\d+ does not hold the code sent \\(0\\.0 KiB stored, \\d+\\.\\d KiB sent\\)$`))
      expect(run.out.join('\n')).not.toMatch(/created|Deployed/)
    } finally {
      await platform.close()
    }
  })
})

describe('npm run deploy -- --env', () => {
  const cxEnv = (text: string) => writeFileSync(join(project.root, 'cx.env'), text)
  const varsOf = (appId: number) => fake.store.vars.filter(v => v.app_id === appId).map(v => `${v.key}=${v.value}`)

  it('never treats a missing cx.env as "delete everything"', async () => {
    const run = await deploy(['--env', '--yes', '--prune'])
    expect(run.code).toBe(1)
    expect(run.err).toEqual([`${join(project.root, 'cx.env')} not found: nothing to push. (A missing cx.env never deletes the app's variables here, unlike \`cx push\`.)`])
    expect(fake.store.writes).toEqual([])
  })

  it('shows the difference without values, and in CI applies it only with --yes', async () => {
    cxEnv(`API_USERNAME=${USER}\nNOTES="changed notes"\nNEW_KEY=new value\n`)
    const diff = [
      'Variables of app 1 (cx-mcp) against cx.env; values are not shown:',
      '  API_USERNAME        = unchanged',
      '  CONNEXCS_API_TOKEN    kept (only on the app; --prune would delete it)',
      '  NEW_KEY             + create',
      '  NOTES               ~ update (value differs)'
    ]
    const asked = await deploy(['--env'])
    expect(asked.code).toBe(1)
    expect(asked.out.slice(1)).toEqual(diff)
    expect(asked.err).toEqual(['Not applied: 2 changes to the app\'s variables need confirming. Re-run with --yes (there is no terminal to ask at).'])
    expect(asked.text()).not.toContain('changed notes')
    expect(asked.text()).not.toContain('secret')

    const dry = await deploy(['--env', '--dry-run'])
    expect([dry.code, dry.out.at(-1)]).toEqual([0, 'Dry run: nothing was changed (2 changes pending).'])
    expect(fake.store.writes).toEqual([])

    const applied = await deploy(['--env', '--yes'])
    expect(applied.code).toBe(0)
    expect(applied.out.slice(-3)).toEqual(['  NEW_KEY             created', '  NOTES               updated', 'Pushed cx.env to app 1: 2 changes made.'])
    expect(varsOf(APP.id)).toEqual([`API_USERNAME=${USER}`, `CONNEXCS_API_TOKEN=${SEED_VARS[1]!.value}`, 'NOTES=changed notes', 'NEW_KEY=new value'])
    expect(varsOf(OTHER_APP.id)).toEqual(['API_USERNAME=billing@example.com'])

    const again = await deploy(['--env', '--yes'])
    expect([again.code, again.out.at(-1)]).toEqual([0, 'Nothing to change.'])
  })

  it('deletes variables cx.env lacks only with --prune, and asks at a terminal', async () => {
    cxEnv(`API_USERNAME=${USER}\n`)
    const declined = captureIo(project.root, {}, { ask: () => Promise.resolve('n'), secret: () => Promise.resolve('') })
    expect(await deployCommand(['--env', '--prune'], declined.io)).toBe(1)
    expect(declined.err).toEqual(['Cancelled: nothing was changed.'])
    expect(fake.store.writes).toEqual([])

    const questions: string[] = []
    const accepted = captureIo(project.root, {}, { ask: q => (questions.push(q), Promise.resolve('y')), secret: () => Promise.resolve('') })
    expect(await deployCommand(['--env', '--prune'], accepted.io)).toBe(0)
    expect(questions).toEqual(['Apply 2 changes to app 1\'s variables? [y/N] '])
    expect(varsOf(APP.id)).toEqual([`API_USERNAME=${USER}`])
    expect(varsOf(OTHER_APP.id)).toEqual(['API_USERNAME=billing@example.com'])
  })
})

describe('npm run deploy as CI runs it', () => {
  it('exits 0 after deploying, and 2 on a wrong flag', async () => {
    const ok = await npmRun(project.root, 'deploy', [])
    expect(ok.stderr).toBe('')
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain(`Deployed to app 1 (cx-mcp): ${FILES.length} created, 0 updated, 0 unchanged.`)
    const wrong = await npmRun(project.root, 'deploy', ['--bogus'])
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toMatch(/^Unknown option '--bogus'/)
  })
})
