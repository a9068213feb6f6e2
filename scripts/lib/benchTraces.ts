import type { TraceMessage } from '../../src/analysis/traceTypes'
import { answeredLeg, CARRIER, CUSTOMER, leg, SWITCH } from '../../test/analysis/fixtures/sip'

/**
 * The long trace the bench analyses: an answered call through the switch (both legs), kept up by
 * in-dialog OPTIONS from the switch to the customer, each answered 200, then the BYEs. `messages`
 * counts every packet; 5,000 is 2,493 OPTIONS and their 200s.
 */
export function longCallTrace (messages: number, callid = 'bench-call'): TraceMessage[] {
  const talkMs = 30_000 + messages * 500
  const a = answeredLeg(callid, { ip: CUSTOMER }, { ip: SWITCH }, { ring: 2000, answer: 8000, bye: 8000 + talkMs })
  const b = answeredLeg(`${callid}-b`, { ip: SWITCH }, { ip: CARRIER }, { ring: 1980, answer: 7980, bye: 8010 + talkMs })
  const keepAlive = leg(callid, { ip: CUSTOMER }, { ip: SWITCH })
  const head = [...a.slice(0, 5), ...b.slice(0, 5)]
  const tail = [...a.slice(5), ...b.slice(5)]
  const options: TraceMessage[] = []
  for (let i = 0; head.length + options.length + tail.length < messages; i++) {
    const at = 9000 + i * 1000
    options.push(keepAlive.req(at, 'OPTIONS', { branch: `z9hG4bKka${i}`, cseq: 1000 + i, toTag: 't1', by: 'callee' }))
    options.push(keepAlive.res(at + 25, 200, 'OK', { branch: `z9hG4bKka${i}`, cseq: 1000 + i, toTag: 't1', by: 'caller', method: 'OPTIONS' }))
  }
  return [...head, ...options, ...tail].slice(0, messages).sort((x, y) => x.micro_ts - y.micro_ts)
}
