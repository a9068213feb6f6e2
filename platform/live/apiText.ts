/**
 * Reading the ConnexCS control-panel API's answers from Node: shared by the live backend and the
 * deploy commands' client.
 */

/** The claims of a JWT, read without checking its signature (only to know when it expires). */
export function jwtExpiry (token: string): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown }
    return typeof claims.exp === 'number' ? claims.exp : undefined
  } catch {
    return undefined
  }
}

/** The API's own words for a failed answer: its `error`/`message`, else its text unless it is HTML. */
export function errorText (status: number, statusText: string, body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown, message?: unknown }
    const said = parsed.error ?? parsed.message
    if (typeof said === 'string' && said !== '') return said
  } catch {
    // not JSON
  }
  const text = body.trim()
  if (text !== '' && !/<!doctype html|<html/i.test(text)) return text.length > 300 ? `${text.slice(0, 300)}…` : text
  return `HTTP ${status}${statusText === '' ? '' : ` ${statusText}`}`
}
