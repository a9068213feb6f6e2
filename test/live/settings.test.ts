import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { liveSettings, variable } from '../../scripts/lib/live'
import { captureIo, tempProject } from '../deploy/helpers'

const project = tempProject()
afterAll(() => project.remove())

const A = 'eyJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJhY2Nlc3MifQ.c2ln'
const R = 'eyJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJyZWZyZXNoIn0.c2ln'

describe('live-mode settings', () => {
  it('read the environment, then .env, then cx.env', () => {
    writeFileSync(join(project.root, '.env'), `CX_REFRESH_TOKEN="${R}"\nAPI_USERNAME=from-dotenv@example.com\n`)
    writeFileSync(join(project.root, 'cx.env'), 'API_USERNAME=from-cx-env@example.com\nNOTES="only here"\n')
    const { io } = captureIo(project.root, { API_USERNAME: '' })
    expect([variable(io, 'API_USERNAME'), variable(io, 'NOTES'), variable(io, 'MISSING')]).toEqual(['from-dotenv@example.com', 'only here', undefined])
    expect(variable(captureIo(project.root, { API_USERNAME: 'env@example.com' }).io, 'API_USERNAME')).toBe('env@example.com')
  })

  it('take the access token first, then the refresh token; CX_BASE_URL over cx.config.json', () => {
    writeFileSync(join(project.root, '.env'), `CX_REFRESH_TOKEN="${R}"\n`)
    writeFileSync(join(project.root, 'cx.env'), '')
    expect(liveSettings(captureIo(project.root, { CONNEXCS_API_TOKEN: A }).io)).toEqual({ baseUrl: 'https://app.connexcs.com/api/cp/', accessToken: A, tokenSource: 'CONNEXCS_API_TOKEN' })
    expect(liveSettings(captureIo(project.root, { CX_BASE_URL: 'http://127.0.0.1:3001/api/cp' }).io)).toEqual({ baseUrl: 'http://127.0.0.1:3001/api/cp/', refreshToken: R, tokenSource: 'CX_REFRESH_TOKEN' })
  })

  it('pass over a masked CONNEXCS_API_TOKEN when there is a refresh token, and say what to set otherwise', () => {
    writeFileSync(join(project.root, 'cx.env'), 'CONNEXCS_API_TOKEN="[HIDDEN - DO NOT SAVE]"\n')
    expect(liveSettings(captureIo(project.root).io).tokenSource).toBe('CX_REFRESH_TOKEN')
    writeFileSync(join(project.root, '.env'), '')
    expect(() => liveSettings(captureIo(project.root).io)).toThrow('CONNEXCS_API_TOKEN is not a JWT (three parts separated by dots): set it to an access token, or set CX_REFRESH_TOKEN instead')
    writeFileSync(join(project.root, 'cx.env'), '')
    expect(() => liveSettings(captureIo(project.root).io)).toThrow(/^Live mode needs a token: set CONNEXCS_API_TOKEN \(an access JWT\) or CX_REFRESH_TOKEN/)
    expect(() => liveSettings(captureIo(project.root, { CX_BASE_URL: 'app.connexcs.com', CX_REFRESH_TOKEN: R }).io)).toThrow('CX_BASE_URL must be an http(s) URL such as https://app.connexcs.com/api/cp/; got app.connexcs.com')
  })
})
