import { resolve } from 'node:path'
import { CliError, project, setting, type Io } from './cli'
import { readEnvFile } from './envFile'

/**
 * What `npm start -- --live` needs: where the API is and how to authenticate. Variables are read
 * as the deploy commands read them (the environment, then `.env`; blank counts as unset), then
 * from `cx.env`. The base URL is `CX_BASE_URL`, else `cx.config.json`'s `apiBaseUrl`; the token
 * `CONNEXCS_API_TOKEN` (an access JWT, used as it is) or `CX_REFRESH_TOKEN` (a refresh JWT,
 * exchanged at `auth/jwt`).
 */

/** Live-mode settings. */
export interface LiveSettings {
  baseUrl: string
  accessToken?: string
  refreshToken?: string
  /** Which variable the token came from (never the token itself). */
  tokenSource: 'CONNEXCS_API_TOKEN' | 'CX_REFRESH_TOKEN'
}

/** A variable from the environment, `.env`, then `cx.env`; undefined when blank everywhere. */
export function variable (io: Io, key: string): string | undefined {
  const fromCxEnv = readEnvFile(resolve(io.root, 'cx.env'))[key]?.trim()
  return setting(io, key) ?? (fromCxEnv === undefined || fromCxEnv === '' ? undefined : fromCxEnv)
}

const JWT = /^[\w-]+\.[\w-]+\.[\w-]*$/

/**
 * The settings, or a CliError that says what to set. A `CONNEXCS_API_TOKEN` that is not a JWT
 * (`cx.env` may hold a masked placeholder) gives way to `CX_REFRESH_TOKEN`.
 */
export function liveSettings (io: Io): LiveSettings {
  const { baseUrl } = project(io)
  const access = variable(io, 'CONNEXCS_API_TOKEN')
  const refresh = variable(io, 'CX_REFRESH_TOKEN')
  if (access !== undefined && (JWT.test(access) || refresh === undefined)) {
    if (!JWT.test(access)) throw new CliError('CONNEXCS_API_TOKEN is not a JWT (three parts separated by dots): set it to an access token, or set CX_REFRESH_TOKEN instead', 2)
    return { baseUrl, accessToken: access, tokenSource: 'CONNEXCS_API_TOKEN' }
  }
  if (refresh !== undefined) return { baseUrl, refreshToken: refresh, tokenSource: 'CX_REFRESH_TOKEN' }
  throw new CliError('Live mode needs a token: set CONNEXCS_API_TOKEN (an access JWT) or CX_REFRESH_TOKEN (a refresh JWT: `npm run configure` writes one to .env), ' +
    'in the environment or in .env / cx.env. You can also create one in the Control Panel under Setup → Integrations → JWT Keys.', 2)
}
