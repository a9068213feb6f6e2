import { getTranscript, transcriptLine } from '../connexcs/calls'
import { defineTool } from '../lib/defineTool'
import { plural } from '../lib/format'
import { paginate } from '../lib/pagination'
import { nextStep, notFound } from '../lib/result'
import { callidParam, cursorParam, limitParam } from '../lib/sharedParams'

/** `getTranscription`: what was said on a call. */
export const getTranscription = defineTool({
  name: 'getTranscription',
  title: 'Call transcript',
  description: 'Get the transcript of one call, in order: who spoke (caller or callee), what they said, and the ' +
    'recogniser\'s confidence. Use it to check what happened on an answered call (complaints, IVR, voicemail, ' +
    'one-way audio reports). Empty unless transcription was on for the call; paginated.',
  example: 'What was said on the last call from 442079460001?',
  readOnly: true,
  // A call with a transcript, found by the self-test's discovery (not exercised when the account has none).
  selfTest: { needs: 'transcribedCall', args: ({ transcribedCall, call }) => ({ callid: (transcribedCall ?? call).callid }), expect: { lines: 'array' } },
  params: {
    callid: callidParam,
    limit: limitParam(40, 200),
    cursor: cursorParam
  },
  async handler ({ callid, limit, cursor }, ctx) {
    const segments = await getTranscript(ctx.api, callid)
    if (segments.length === 0) {
      return notFound(`No transcript for call ${callid}.`,
        'The call was not transcribed: transcription has to be enabled for the customer or route before the call, and only answered calls have speech.',
        [nextStep('getSipTrace', { callid }, 'Check the call was answered.')])
    }
    const lines = segments.map(s => transcriptLine(s, 1000))
    const page = paginate(lines, cursor, limit)
    const by = (speaker: string): number => lines.filter(l => l.speaker === speaker).length
    return {
      summary: `Transcript of call ${callid}: ${plural(lines.length, 'segment')} (${by('caller')} caller, ${by('callee')} callee).`,
      callid,
      total: lines.length,
      lines: page.items,
      ...(page.next_cursor === undefined ? {} : { next_cursor: page.next_cursor })
    }
  }
})
