import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { liveSettings } from '../../platform/live/config'
import { loadEnv, parseEnv } from '../../platform/live/env'

const dir = mkdtempSync(join(tmpdir(), 'cx-env-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('.env and cx.env', () => {
  it('are parsed as dotenv does: quotes, comments, export', () => {
    expect(parseEnv([
      '# cx configure wrote this',
      'CX_REFRESH_TOKEN="aaa.bbb.ccc"',
      'export APP_ID=42 # the app',
      'API_USERNAME=\'ops@example.com\'',
      'EMPTY=',
      'SPACED = "a # not a comment"',
      'not a line'
    ].join('\n'))).toEqual({ CX_REFRESH_TOKEN: 'aaa.bbb.ccc', APP_ID: '42', API_USERNAME: 'ops@example.com', EMPTY: '', SPACED: 'a # not a comment' })
  })

  it('give way to the environment (even an empty variable), and .env to nothing but it', () => {
    writeFileSync(join(dir, '.env'), 'CX_REFRESH_TOKEN="from-dotenv"\nAPP_ID=7\n')
    writeFileSync(join(dir, 'cx.env'), 'API_USERNAME=ops@example.com\nAPP_ID=8\nCONNEXCS_API_TOKEN=from-cx-env\n')
    expect(loadEnv(dir, {})).toEqual({ CX_REFRESH_TOKEN: 'from-dotenv', APP_ID: '7', API_USERNAME: 'ops@example.com', CONNEXCS_API_TOKEN: 'from-cx-env' })
    expect(loadEnv(dir, { APP_ID: '9', CONNEXCS_API_TOKEN: '' })).toMatchObject({ APP_ID: '9', CONNEXCS_API_TOKEN: '' })
    expect(loadEnv(join(dir, 'missing'), { A: '1' })).toEqual({ A: '1' })
  })
})

describe('live settings', () => {
  const base = 'https://app.connexcs.com/api/cp/'

  it('take the access token first, then the refresh token; CX_BASE_URL over the config', () => {
    expect(liveSettings({ CONNEXCS_API_TOKEN: 'a', CX_REFRESH_TOKEN: 'r' }, base)).toEqual({ baseUrl: base, accessToken: 'a', tokenSource: 'CONNEXCS_API_TOKEN' })
    expect(liveSettings({ CONNEXCS_API_TOKEN: '', CX_REFRESH_TOKEN: 'r', CX_BASE_URL: 'http://127.0.0.1:3001/api/cp' }, base)).toEqual({ baseUrl: 'http://127.0.0.1:3001/api/cp/', refreshToken: 'r', tokenSource: 'CX_REFRESH_TOKEN' })
  })

  it('say what to set when there is no token or the URL is wrong', () => {
    expect(() => liveSettings({}, base)).toThrow(/^Live mode needs a token: set CONNEXCS_API_TOKEN \(an access JWT\) or CX_REFRESH_TOKEN/)
    expect(() => liveSettings({ CX_BASE_URL: 'app.connexcs.com', CX_REFRESH_TOKEN: 'r' }, base)).toThrow('CX_BASE_URL must be an http(s) URL such as https://app.connexcs.com/api/cp/; got "app.connexcs.com"')
  })
})
