import { resolve } from 'node:path'
import { CliError, parseCommandLine, project, reportFailure, type Io } from './cli'
import { jwtExpiry } from '../../platform/live/apiText'
import { ApiError, CxApi } from './cxApi'
import { updateEnvFile } from './envFile'
import { findApp, listApps, type RemoteApp } from './scriptForge'

const USAGE = `Usage: npm run configure [-- options]
Signs in to ConnexCS, obtains a refresh token (valid 30 days) and chooses the ScriptForge app,
then writes CX_REFRESH_TOKEN and APP_ID to .env (the keys the cx CLI uses), keeping every other
line of the file. At a terminal it asks for what is missing; in CI it asks nothing.

  --username <email>  ConnexCS user (or CX_USERNAME)
  --password <pw>     its password (or CX_PASSWORD, better: a flag shows in the process list)
  --app <name|id>     the ScriptForge app (default: the one named in cx.config.json, if it exists)
  --help              show this

The API is cx.config.json's apiBaseUrl, or CX_BASE_URL.`

function describeApps (apps: RemoteApp[]): string {
  return apps.map(a => `${a.id} ${a.name}`).join(', ')
}

/** Picks the app: `--app`, else the config's app, else the only one, else a question at a terminal. */
async function chooseApp (io: Io, apps: RemoteApp[], asked: string | undefined, configured: string): Promise<RemoteApp> {
  if (apps.length === 0) throw new CliError('The account has no ScriptForge app: create one in the Control Panel (IDE), then run `npm run configure` again.')
  if (asked !== undefined) {
    const app = findApp(apps, asked)
    if (app === undefined) throw new CliError(`--app ${asked}: no app of that name or id; the account's apps are ${describeApps(apps)}`, 2)
    return app
  }
  const preferred = findApp(apps, configured)
  if (!io.interactive) {
    if (preferred !== undefined) return preferred
    if (apps.length === 1) return apps[0]!
    throw new CliError(`Which ScriptForge app? The account has ${apps.length} (${describeApps(apps)}) and none is named "${configured}" as in cx.config.json: pass --app <name|id>.`, 2)
  }
  io.out('ScriptForge apps of this account:')
  apps.forEach((app, i) => io.out(`  ${i + 1}) ${app.name} (id ${app.id})`))
  for (let tries = 0; tries < 5; tries++) {
    const answer = await io.prompter.ask(`App (number, name or id${preferred === undefined ? '' : `; Enter for ${preferred.name}`}): `)
    if (answer === '' && preferred !== undefined) return preferred
    const byNumber = /^\d+$/.test(answer) && Number(answer) >= 1 && Number(answer) <= apps.length ? apps[Number(answer) - 1] : undefined
    const app = byNumber ?? findApp(apps, answer)
    if (app !== undefined) return app
    io.err(`"${answer}" is not one of the apps above.`)
  }
  throw new CliError('No app chosen.', 2)
}

/** What is given by flag or environment, else asked at a terminal, else a clear failure. */
async function obtain (io: Io, given: string | undefined, envKey: string, question: string, hidden: boolean, flag: string): Promise<string> {
  const value = given ?? io.env[envKey]
  if (value !== undefined && value !== '') return value
  if (!io.interactive) throw new CliError(`No ${flag.replace('--', '')}: pass ${flag} or set ${envKey} (there is no terminal to ask at).`, 2)
  const answer = hidden ? await io.prompter.secret(question) : await io.prompter.ask(question)
  if (answer === '') throw new CliError(`No ${flag.replace('--', '')} given.`, 2)
  return answer
}

/** `npm run configure`. */
export async function configureCommand (argv: string[], io: Io): Promise<number> {
  try {
    const { values } = parseCommandLine({
      args: argv,
      options: { username: { type: 'string', short: 'u' }, password: { type: 'string', short: 'p' }, app: { type: 'string' }, help: { type: 'boolean' } },
      allowPositionals: false
    }, USAGE)
    if (values.help === true) {
      io.out(USAGE)
      return 0
    }
    const { config, baseUrl } = project(io)
    const username = await obtain(io, values.username, 'CX_USERNAME', 'ConnexCS username (email): ', false, '--username')
    const password = await obtain(io, values.password, 'CX_PASSWORD', 'Password: ', true, '--password')

    const signIn = new CxApi({ baseUrl, basic: { username, password }, ...(io.sleep === undefined ? {} : { sleep: io.sleep }), onRetry: m => io.err(m) })
    let company: unknown
    try {
      company = (await signIn.get<{ name?: unknown }>('setup/account')).name
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        throw new CliError(`Sign-in refused for ${username} at ${baseUrl}: ${error.message.replace(/^GET setup\/account: /, '')}. Check the username and password.`)
      }
      throw error
    }
    const refreshToken = await signIn.createRefreshToken()
    io.out(`Signed in as ${username}${typeof company === 'string' ? ` (${company})` : ''}.`)

    const api = new CxApi({ baseUrl, refreshToken, ...(io.sleep === undefined ? {} : { sleep: io.sleep }), onRetry: m => io.err(m) })
    const app = await chooseApp(io, await listApps(api), values.app, config.app)
    const file = resolve(io.root, '.env')
    updateEnvFile(file, [{ key: 'CX_REFRESH_TOKEN', value: refreshToken, quoted: true }, { key: 'APP_ID', value: String(app.id) }])
    const exp = jwtExpiry(refreshToken)
    io.out(`Wrote CX_REFRESH_TOKEN${exp === undefined ? '' : ` (valid until ${new Date(exp * 1000).toISOString().slice(0, 10)})`} and APP_ID=${app.id} (${app.name}) to .env; its other lines are unchanged.`)
    if ((io.env.CX_REFRESH_TOKEN ?? '') !== '' || (io.env.APP_ID ?? '') !== '') {
      io.out('Note: CX_REFRESH_TOKEN or APP_ID is also set in this shell\'s environment, which takes precedence over .env.')
    }
    io.out('Next: npm run deploy')
    return 0
  } catch (error) {
    return reportFailure(io, error)
  }
}
