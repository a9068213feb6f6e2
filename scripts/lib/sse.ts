/**
 * Reads a `text/event-stream` body into events, as the platform streams a run: `header`, `log`,
 * `error`, and the unnamed final event (`message`). Both LF and CRLF line ends are accepted.
 */

/** One event: `event` is `message` when the stream did not name it. */
export interface StreamEvent {
  event: string
  data: string
}

/** The events of a stream, as they arrive; an event cut off by the end of the stream is still given. */
export async function* readEvents (body: AsyncIterable<Uint8Array>): AsyncGenerator<StreamEvent> {
  const decoder = new TextDecoder()
  let buffer = ''
  let event = ''
  let data: string[] = []
  let seen = false

  const take = (line: string): StreamEvent | undefined => {
    if (line === '') {
      const done = seen ? { event: event === '' ? 'message' : event, data: data.join('\n') } : undefined
      event = ''
      data = []
      seen = false
      return done
    }
    if (line.startsWith(':')) return undefined
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
    if (field === 'event') {
      event = value
      seen = true
    } else if (field === 'data') {
      data.push(value)
      seen = true
    }
    return undefined
  }

  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true })
    let end = buffer.search(/\r?\n/)
    while (end >= 0) {
      const line = buffer.slice(0, end)
      buffer = buffer.slice(buffer[end] === '\r' ? end + 2 : end + 1)
      const done = take(line)
      if (done !== undefined) yield done
      end = buffer.search(/\r?\n/)
    }
  }
  buffer += decoder.decode()
  if (buffer !== '') take(buffer)
  const last = take('')
  if (last !== undefined) yield last
}
