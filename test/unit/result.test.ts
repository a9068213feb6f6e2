import { describe, expect, it } from 'vitest'
import { ToolError } from '../../src/lib/errors'
import { part, unreadOf } from '../../src/lib/parts'
import { errorResult, failureWords, mainFailure, notFound, partialAnswer, unreadSentence } from '../../src/lib/result'

const http503 = new ToolError('upstream', 'The ConnexCS API (GET log/rtcp) failed (HTTP 503): 503 Service Unavailable', { status: 503 })
const limited = new ToolError('rate_limited', 'The ConnexCS API (GET log) was rate limited (HTTP 429); wait 30 s and try again', { status: 429, retry_after_s: 30 })
const stalled = new ToolError('timeout', 'The ConnexCS API (GET log/trace) did not answer within 20.0 s; try again, or narrow the request')
const badJson = new ToolError('upstream', 'The ConnexCS API returned invalid JSON for GET log (Unexpected end of JSON input); try again')

describe('partial answers', () => {
  it('says in a few words why each source failed', () => {
    expect([http503, limited, stalled, badJson, new ToolError('upstream', 'Cannot reach the ConnexCS API: ECONNRESET')].map(failureWords))
      .toEqual(['HTTP 503', 'rate limited, retry after 30 s', 'no answer in time', 'invalid JSON', 'failed'])
  })

  it('leads the summary with what could not be read, and lists each failure with its type', () => {
    const result = partialAnswer({ summary: 'The call failed with 486 Busy Here.', cause: 'busy', next_steps: [] },
      [{ source: 'RTCP', error: http503 }, { source: 'the SIP trace', error: stalled }, { source: 'the call log', error: limited }])
    expect(result).toEqual({
      summary: 'Could not read RTCP (HTTP 503), the SIP trace (no answer in time) or the call log (rate limited, retry after 30 s), so this answer may be incomplete. ' +
        'The call failed with 486 Busy Here.',
      cause: 'busy',
      partial: true,
      unread: [
        { source: 'RTCP', type: 'upstream', message: http503.message, status: 503 },
        { source: 'the SIP trace', type: 'timeout', message: stalled.message },
        { source: 'the call log', type: 'rate_limited', message: limited.message, status: 429, retry_after_s: 30 }
      ],
      next_steps: []
    })
    expect(Object.keys(result).at(-1)).toBe('next_steps')
    expect(unreadSentence([{ source: 'RTCP', error: http503 }])).toBe('Could not read RTCP (HTTP 503), so this answer may be incomplete.')
  })

  it('leaves a result whose every source answered as it is', () => {
    const result = { summary: 'All good.', next_steps: [] }
    expect(partialAnswer(result, [])).toBe(result)
  })

  it('never turns a failure into "not found": it throws the failure a caller can act on best', () => {
    const nothing = notFound('No calls for the account in 2026-11-25.', 'None in the log.')
    expect(() => partialAnswer(nothing, [{ source: 'the CDR', error: http503 }, { source: 'the call log', error: limited }])).toThrow(limited)
    expect(mainFailure([{ source: 'a', error: http503 }, { source: 'b', error: stalled }])).toBe(stalled)
  })

  it('reads the failed ones out of parts', async () => {
    const [good, bad] = await Promise.all([part(() => Promise.resolve(1)), part(() => Promise.reject(http503))])
    expect(unreadOf([['the trace', good], ['RTCP', bad], ['the transcript', undefined]])).toEqual([{ source: 'RTCP', error: http503 }])
  })
})

describe('errorResult', () => {
  it('quotes at most a short prefix of a parameter name and 600 characters of a message', () => {
    const result = errorResult(new ToolError('invalid_argument', `m${'x'.repeat(5000)}`, { parameter: 'p'.repeat(1000) }))
    expect(result.summary).toBe(`Invalid argument: ${'p'.repeat(40)}…`)
    expect((result.error as { message: string }).message).toBe(`m${'x'.repeat(599)}…`)
    expect((result.error as { parameter: string }).parameter).toBe(`${'p'.repeat(40)}…`)
  })
})
