import type { Customer, SimCall } from './model'
import { hashSeed, Random } from './random'
import { sqlTime } from './time'

/**
 * What the Class 5 applications leave behind for a call they answered: the application log
 * (`GET log/class5`), the transcription (`GET transcribe`) and the AI agent's log
 * (`GET log/ai-agent`). Built on demand from the call, seeded by its Call-ID.
 */

/** One event of `GET log/class5`. */
export interface Class5Record {
  id: number
  callid: string
  dt: string
  app: string
  event: string
  data: Record<string, unknown>
}

/** One utterance of `GET transcribe`: leg 0 is the caller, leg 1 the callee (the app). */
export interface TranscriptRecord {
  id: number
  callid: string
  dt: string
  customer_name: string
  text: string
  leg: 0 | 1
  score: number
}

/** One entry of `GET log/ai-agent`. */
export interface AiAgentRecord {
  id: number
  callid: string
  dt: string
  agent_id: number
  agent_name: string
  role: 'user' | 'assistant' | 'tool'
  content: string
  tool_name: string | null
  latency_ms: number | null
}

type Line = [0 | 1, string] | ['tool', string, string]

/** Conversations the AI agent has; one is chosen per call. */
const AI_DIALOGUES: Line[][] = [
  [
    [1, 'Hello, you are through to the Example Telecom booking line. How can I help?'],
    [0, 'Hi, I would like to book an engineer visit for my phone line, please.'],
    [1, 'Of course. Could you give me the postcode of the installation address?'],
    [0, 'It is SW1A 1AA.'],
    ['tool', 'find_slots', '{"postcode":"SW1A 1AA","slots":["Tuesday 10:00","Wednesday 14:00"]}'],
    [1, 'I have Tuesday at 10 in the morning or Wednesday at 2 in the afternoon. Which suits you?'],
    [0, 'Tuesday at 10 is fine.'],
    ['tool', 'book_slot', '{"slot":"Tuesday 10:00","reference":"BK-20417"}'],
    [1, 'You are booked for Tuesday at 10. Your reference is B K 2 0 4 1 7. Anything else?'],
    [0, 'No, that is everything, thanks.'],
    [1, 'Thank you for calling, goodbye.']
  ],
  [
    [1, 'Hello, this is the Example Telecom support assistant. What can I do for you?'],
    [0, 'My calls to Germany keep failing since this morning.'],
    ['tool', 'check_account', '{"status":"active","balance_ok":true}'],
    [1, 'Your account is active and in credit. Are all German numbers failing, or only mobiles?'],
    [0, 'Only mobiles, I think.'],
    [1, 'Thank you. I have opened a ticket for our network team to check the German mobile route.'],
    ['tool', 'open_ticket', '{"ticket":"T-88213","priority":"high"}'],
    [1, 'Your ticket number is T 8 8 2 1 3. We will email you within the hour. Goodbye.']
  ]
]

const VOICEMAILS = [
  'Hi, it is Sam from accounts, please call me back about the invoice when you get a chance. Thanks.',
  'Hello, this is a reminder that your delivery is scheduled for tomorrow morning between eight and twelve.',
  'Hi, returning your call about the new numbers, I am in the office until five.'
]

/** The log of the Class 5 application that answered the call (empty for a Class 4 call). */
export function class5Log (call: SimCall): Class5Record[] {
  if (call.class5 === null || call.answer_ms === null) return []
  const random = new Random(hashSeed(`${call.callid}:class5`))
  const start = call.start_ms + call.answer_ms
  const end = start + call.talk_ms
  let id = 600_000_000 + (hashSeed(call.callid) % 1_000_000) * 20
  const event = (at: number, name: string, data: Record<string, unknown> = {}): Class5Record => ({ id: id++, callid: call.callid, dt: sqlTime(at), app: call.class5!, event: name, data })
  const events: Class5Record[] = [event(start, 'answer', { did: call.dest_number })]
  switch (call.class5) {
    case 'ivr':
      events.push(event(start + 200, 'play', { file: 'welcome-menu.wav' }), event(start + 9_000, 'dtmf', { digits: String(random.int(1, 4)) }), event(start + 9_500, 'transfer', { to: `queue:${random.pick(['sales', 'support', 'billing'])}` }))
      break
    case 'voicemail':
      events.push(event(start + 200, 'play', { file: 'greeting.wav' }), event(start + 6_000, 'record', { file: `vm-${call.callid.slice(0, 8)}.wav`, seconds: Math.max(1, Math.round((call.talk_ms - 6_000) / 1000)) }))
      break
    case 'queue':
      events.push(event(start + 100, 'enqueue', { queue: 'support', position: random.int(1, 5) }), event(start + Math.min(call.talk_ms / 3, 60_000), 'agent_connect', { agent: `ext ${random.int(201, 230)}` }))
      break
    case 'ai_agent':
      events.push(event(start + 150, 'agent_start', { agent_id: 17, agent: 'Reception Assistant', model: 'cx-voice-1' }))
      break
  }
  events.push(event(end, 'hangup', { cause: 'NORMAL_CLEARING', by: call.hangup }))
  return events
}

/** Utterances with their time, spread over the talk time. */
function lines (call: SimCall): { at: number, line: Line }[] {
  if (call.answer_ms === null) return []
  const start = call.start_ms + call.answer_ms
  if (call.class5 === 'voicemail') {
    const text = VOICEMAILS[hashSeed(call.callid) % VOICEMAILS.length]!
    return [{ at: start + 6_500, line: [0, text] }]
  }
  if (call.class5 !== 'ai_agent') return []
  const dialogue = AI_DIALOGUES[hashSeed(call.callid) % AI_DIALOGUES.length]!
  const step = Math.floor(call.talk_ms / (dialogue.length + 1))
  return dialogue.map((line, k) => ({ at: start + (k + 1) * step, line }))
}

/** The transcription of a call (AI-agent and voicemail calls have one). */
export function transcript (call: SimCall, customer: Customer | undefined): TranscriptRecord[] {
  const random = new Random(hashSeed(`${call.callid}:transcript`))
  let id = 500_000_000 + (hashSeed(call.callid) % 1_000_000) * 20
  return lines(call).flatMap(({ at, line }) => line[0] === 'tool'
    ? []
    : [{ id: id++, callid: call.callid, dt: sqlTime(at), customer_name: customer?.name ?? '', text: line[1], leg: line[0], score: Math.round((0.86 + random.next() * 0.13) * 100) / 100 }])
}

/** The AI agent's log of a call (AI-agent calls only). */
export function aiAgentLog (call: SimCall): AiAgentRecord[] {
  if (call.class5 !== 'ai_agent') return []
  const random = new Random(hashSeed(`${call.callid}:ai`))
  let id = 400_000_000 + (hashSeed(call.callid) % 1_000_000) * 20
  return lines(call).map(({ at, line }) => ({
    id: id++,
    callid: call.callid,
    dt: sqlTime(at),
    agent_id: 17,
    agent_name: 'Reception Assistant',
    role: line[0] === 'tool' ? 'tool' : line[0] === 0 ? 'user' : 'assistant',
    content: line[0] === 'tool' ? line[2] : line[1],
    tool_name: line[0] === 'tool' ? line[1] : null,
    latency_ms: line[0] === 0 ? null : random.int(350, 1400)
  }))
}
