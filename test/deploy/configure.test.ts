import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { configureCommand } from '../../scripts/lib/configureCommand'
import { deployCommand } from '../../scripts/lib/deployCommand'
import { parseEnv } from '../../scripts/lib/envFile'
import { captureIo, npmRun, PASSWORD, scriptedPrompter, startFakePlatform, tempProject, USER, type FakePlatform } from './helpers'

let fake: FakePlatform
let project: ReturnType<typeof tempProject>
const dotEnv = () => join(project.root, '.env')

beforeEach(async () => {
  fake = await startFakePlatform()
  project = tempProject()
})

afterEach(async () => {
  await fake.close()
  project.remove()
})

const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'))

describe('npm run configure', () => {
  it('in CI, signs in from flags and environment, and writes the token and app to .env keeping its other lines', async () => {
    writeFileSync(dotEnv(), `# local settings\nCX_BASE_URL=${fake.platform.baseUrl}\nAPI_USERNAME=ops@example.com\nCX_REFRESH_TOKEN=stale-unquoted\n`)
    const run = captureIo(project.root, { CX_PASSWORD: PASSWORD })
    expect(await configureCommand(['--username', USER, '--app', 'billing'], run.io)).toBe(0)
    expect(run.err).toEqual([])
    const text = readFileSync(dotEnv(), 'utf8')
    const token = parseEnv(text).CX_REFRESH_TOKEN!
    expect(text).toBe(`# local settings\nCX_BASE_URL=${fake.platform.baseUrl}\nAPI_USERNAME=ops@example.com\nCX_REFRESH_TOKEN="${token}"\nAPP_ID=2\n`)
    expect(claims(token)).toMatchObject({ sub: USER, typ: 'refresh', aud: expect.stringMatching(/^cx-mcp@/) })
    expect(claims(token).exp - claims(token).iat).toBe(2_592_000)
    expect(run.out[0]).toBe(`Signed in as ${USER} (Example Telecom Ltd).`)
    expect(run.out[1]).toMatch(/^Wrote CX_REFRESH_TOKEN \(valid until \d{4}-\d\d-\d\d\) and APP_ID=2 \(billing\) to \.env; its other lines are unchanged\.$/)
    expect(run.text()).not.toContain(token)
    expect(run.text()).not.toContain(PASSWORD)

    // What it wrote is what deploy uses.
    const deploy = captureIo(project.root)
    expect(await deployCommand(['--dry-run'], deploy.io)).toBe(0)
    expect(deploy.out[0]).toBe(`App 2 (billing) at ${fake.platform.baseUrl}`)
  })

  it('picks the app named in cx.config.json when none is asked for', async () => {
    const run = captureIo(project.root, { CX_BASE_URL: fake.platform.baseUrl, CX_USERNAME: USER, CX_PASSWORD: PASSWORD })
    expect(await configureCommand([], run.io)).toBe(0)
    expect(parseEnv(readFileSync(dotEnv(), 'utf8')).APP_ID).toBe('1')
  })

  it('asks at a terminal, the password hidden, and offers the apps', async () => {
    const asked: string[] = []
    const prompter = {
      ask: (q: string) => (asked.push(`ask ${q}`), Promise.resolve(q.startsWith('App') ? '2' : USER)),
      secret: (q: string) => (asked.push(`secret ${q}`), Promise.resolve(PASSWORD))
    }
    const run = captureIo(project.root, { CX_BASE_URL: fake.platform.baseUrl }, prompter)
    expect(await configureCommand([], run.io)).toBe(0)
    expect(asked).toEqual(['ask ConnexCS username (email): ', 'secret Password: ', 'ask App (number, name or id; Enter for cx-mcp): '])
    expect(run.out.slice(1, 4)).toEqual(['ScriptForge apps of this account:', '  1) cx-mcp (id 1)', '  2) billing (id 2)'])
    expect(parseEnv(readFileSync(dotEnv(), 'utf8')).APP_ID).toBe('2')
  })

  it('fails clearly: wrong password, nothing to ask with in CI, an unknown app', async () => {
    const env = { CX_BASE_URL: fake.platform.baseUrl }
    const wrong = captureIo(project.root, env)
    expect(await configureCommand(['-u', USER, '-p', 'wrong'], wrong.io)).toBe(1)
    expect(wrong.err).toEqual([`Sign-in refused for ${USER} at ${fake.platform.baseUrl}: HTTP 401: Invalid username or password. Check the username and password.`])

    const noUser = captureIo(project.root, env)
    expect(await configureCommand([], noUser.io)).toBe(2)
    expect(noUser.err).toEqual(['No username: pass --username or set CX_USERNAME (there is no terminal to ask at).'])

    const noPassword = captureIo(project.root, { ...env, CX_USERNAME: USER })
    expect(await configureCommand([], noPassword.io)).toBe(2)
    expect(noPassword.err).toEqual(['No password: pass --password or set CX_PASSWORD (there is no terminal to ask at).'])

    const unknown = captureIo(project.root, { ...env, CX_PASSWORD: PASSWORD })
    expect(await configureCommand(['-u', USER, '--app', 'nope'], unknown.io)).toBe(2)
    expect(unknown.err).toEqual(['--app nope: no app of that name or id; the account\'s apps are 1 cx-mcp, 2 billing'])

    const badUrl = captureIo(project.root, { CX_BASE_URL: 'ftp://example.com' })
    expect(await configureCommand([], badUrl.io)).toBe(2)
    expect(badUrl.err).toEqual(['CX_BASE_URL must be an http(s) URL such as https://app.connexcs.com/api/cp/; got ftp://example.com'])
    expect(() => readFileSync(dotEnv())).toThrow()
  })

  it('keeps asking for an app until one of the list is named', async () => {
    const prompter = scriptedPrompter(['nope', 'billing'])
    const run = captureIo(project.root, { CX_BASE_URL: fake.platform.baseUrl, CX_USERNAME: USER, CX_PASSWORD: PASSWORD }, prompter)
    expect(await configureCommand([], run.io)).toBe(0)
    expect(run.err).toEqual(['"nope" is not one of the apps above.'])
    expect(prompter.asked).toHaveLength(2)
    expect(parseEnv(readFileSync(dotEnv(), 'utf8')).APP_ID).toBe('2')
  })

  it('runs as `npm run configure` in CI', async () => {
    const run = await npmRun(project.root, 'configure', ['--app', '1'], { CX_BASE_URL: fake.platform.baseUrl, CX_USERNAME: USER, CX_PASSWORD: PASSWORD })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(parseEnv(readFileSync(dotEnv(), 'utf8')).APP_ID).toBe('1')
    const missing = await npmRun(project.root, 'configure', [], { CX_BASE_URL: fake.platform.baseUrl })
    expect([missing.code, missing.stderr]).toEqual([2, 'No username: pass --username or set CX_USERNAME (there is no terminal to ask at).\n'])
  })
})
