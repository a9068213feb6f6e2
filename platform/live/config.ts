/**
 * What live mode needs: where the API is and how to authenticate. The base URL comes from
 * `CX_BASE_URL`, else `cx.config.json`'s `apiBaseUrl`; the token from `CONNEXCS_API_TOKEN` (an
 * access JWT, used as it is) or `CX_REFRESH_TOKEN` (a refresh JWT, exchanged at `auth/jwt`).
 */

/** Live-mode settings. */
export interface LiveSettings {
  baseUrl: string
  accessToken?: string
  refreshToken?: string
  /** Which variable the token came from (never the token itself). */
  tokenSource: 'CONNEXCS_API_TOKEN' | 'CX_REFRESH_TOKEN'
}

/** Live-mode settings from variables (see `loadEnv`); throws with what to set when something is missing. */
export function liveSettings (env: Record<string, string | undefined>, configBaseUrl: string): LiveSettings {
  const raw = env.CX_BASE_URL?.trim() || configBaseUrl
  if (!/^https?:\/\/[^/\s]+(\/\S*)?$/.test(raw)) throw new Error(`CX_BASE_URL must be an http(s) URL such as https://app.connexcs.com/api/cp/; got "${raw}"`)
  const baseUrl = raw.endsWith('/') ? raw : `${raw}/`
  const access = env.CONNEXCS_API_TOKEN?.trim()
  if (access) return { baseUrl, accessToken: access, tokenSource: 'CONNEXCS_API_TOKEN' }
  const refresh = env.CX_REFRESH_TOKEN?.trim()
  if (refresh) return { baseUrl, refreshToken: refresh, tokenSource: 'CX_REFRESH_TOKEN' }
  throw new Error('Live mode needs a token: set CONNEXCS_API_TOKEN (an access JWT) or CX_REFRESH_TOKEN (a refresh JWT, as `cx configure` writes it), ' +
    'in the environment or in .env / cx.env. Create one in the Control Panel under Setup → Integrations → JWT Keys.')
}
