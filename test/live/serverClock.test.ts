import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLiveBackend } from '../../platform/live/backend'
import { CLOCK_TOLERANCE_MS, ServerClock } from '../../platform/scriptforge/clock'
import { ScriptForgeHost } from '../../platform/scriptforge/host'
import { apiRoute, startPlatformServer, type PlatformServer } from '../../platform/server'
import { NOW_MS, testSwitch } from '../helpers/platform'

/**
 * Live mode learns the API's clock from the `Date` header of its answers, and the sandbox runs on
 * it: against `npm run switch -- --now <t>` that is the switch's clock, against ConnexCS real time.
 */

const sw = testSwitch()
/** This machine's clock in these tests: a week after the switch's, frozen. */
const MACHINE_MS = NOW_MS + 7 * 86_400_000
let switchMs = NOW_MS
let platform: PlatformServer

beforeAll(async () => {
  platform = await startPlatformServer({ routes: [apiRoute(sw.api)], clock: () => switchMs })
})

afterAll(async () => {
  await platform.close()
})

describe('ServerClock', () => {
  it('takes the offset a Date header shows, counting the header\'s lost half second', () => {
    const clock = new ServerClock(() => MACHINE_MS)
    expect(clock.now()).toBe(MACHINE_MS)
    expect(clock.learn(new Date(NOW_MS).toUTCString(), MACHINE_MS)).toBe(true)
    expect(clock.offsetMs).toBe(NOW_MS + 500 - MACHINE_MS)
    expect(clock.now()).toBe(NOW_MS + 500)
  })

  it('keeps agreeing with a server within the tolerance, and ignores what is not a date', () => {
    const clock = new ServerClock(() => MACHINE_MS)
    expect(CLOCK_TOLERANCE_MS).toBe(2000)
    expect(clock.learn(new Date(MACHINE_MS + 1000).toUTCString(), MACHINE_MS)).toBe(false)
    expect(clock.learn(new Date(MACHINE_MS - 2000).toUTCString(), MACHINE_MS)).toBe(false)
    expect(clock.learn('yesterday', MACHINE_MS)).toBe(false)
    expect(clock.offsetMs).toBe(0)
    // Once learnt, the offset moves only for a change beyond the tolerance, not for rounding.
    expect(clock.learn(new Date(MACHINE_MS + 60_000).toUTCString(), MACHINE_MS)).toBe(true)
    expect(clock.learn(new Date(MACHINE_MS + 61_000).toUTCString(), MACHINE_MS)).toBe(false)
    expect(clock.offsetMs).toBe(60_500)
  })
})

describe('the platform server\'s Date header', () => {
  it('is its clock option, on every answer, an error too', async () => {
    const basic = 'Basic ' + Buffer.from('developer@example.com:developer').toString('base64')
    const ok = await fetch(platform.baseUrl + 'setup/server/rtp-group', { headers: { Authorization: basic } })
    expect([ok.status, ok.headers.get('date')]).toEqual([200, 'Tue, 24 Nov 2026 12:00:00 GMT'])
    switchMs = NOW_MS + 90_000
    const refused = await fetch(platform.baseUrl + 'setup/server/rtp-group')
    expect([refused.status, refused.headers.get('date')]).toEqual([401, 'Tue, 24 Nov 2026 12:01:30 GMT'])
    switchMs = NOW_MS
  })
})

describe('live mode on the API\'s clock', () => {
  it('learns the offset from an answer, and the sandbox\'s Date.now() follows it', async () => {
    const clock = new ServerClock(() => MACHINE_MS)
    const dates: string[] = []
    const backend = createLiveBackend({
      baseUrl: platform.baseUrl,
      refreshToken: platform.issueToken('developer@example.com', 'refresh'),
      now: () => MACHINE_MS,
      onDate: (date, at) => {
        dates.push(date)
        clock.learn(date, at)
      }
    })
    const host = new ScriptForgeHost({ backend, clock: clock.now })
    const script = `import auth from 'cxRest'
export async function main () {
  const before = Date.now()
  await auth('developer@example.com').get('setup/account')
  return { before, after: Date.now(), today: new Date().toISOString().slice(0, 10) }
}`
    const result = await host.run({ files: { app: script }, entry: 'app', data: {} })
    // Two answers (the token exchange, the call), both on the switch's clock.
    expect(dates).toEqual(['Tue, 24 Nov 2026 12:00:00 GMT', 'Tue, 24 Nov 2026 12:00:00 GMT'])
    expect(result).toMatchObject({ ok: true, value: { before: MACHINE_MS, after: NOW_MS + 500, today: '2026-11-24' } })
  })
})
