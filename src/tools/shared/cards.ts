import { resolveName } from '../../analysis/resolve'
import type { Connexcs } from '../../connexcs/client'
import { getCard, listCards, type CardRecord } from '../../connexcs/rateCards'
import { nextStep, type ToolResult } from '../../lib/result'

/**
 * A rate card given by its id (`fU4g-dkiF`) or its name ("Retail A-Z"): the card, or the answer to
 * give instead (several cards match, or none: with the closest names). The id is tried first, as
 * one encoded path segment, so an id with `/`, `..` or `?` is only ever an unknown card.
 */
export async function resolveCard (
  api: Connexcs,
  given: string,
  retry: { tool: string, args: Record<string, unknown>, parameter: string }
): Promise<{ ok: true, card: CardRecord } | { ok: false, answer: ToolResult }> {
  const text = given.trim()
  const direct = await getCard(api, text)
  if (direct !== undefined) return { ok: true, card: direct }
  const cards = await listCards(api)
  // Not an id: a name, exact or partial (digits are never a name here, so a routing row's id finds no card).
  const byName = /^\d+$/.test(text) ? undefined : resolveName(text, cards)
  if (byName?.found === true) {
    const card = await getCard(api, String(byName.match.id))
    if (card !== undefined) return { ok: true, card }
  }
  const args = retry.args as Record<string, string | number | boolean>
  const again = (id: string, why: string) => nextStep(retry.tool, { ...args, [retry.parameter]: id }, why)
  if (byName?.found === 'ambiguous') {
    return {
      ok: false,
      answer: {
        summary: `"${text}" matches ${byName.total} rate cards: ${byName.candidates.map(c => `${c.name ?? c.id} (${c.id})`).join(', ')}. Which one? Call again with its card_id.`,
        found: false,
        ambiguous: true,
        why: `${retry.parameter} "${text}" is part of several card names`,
        parameter: retry.parameter,
        candidates: byName.candidates.map(c => ({ id: c.id, name: c.name ?? null, currency: c.currency ?? null, carrier_id: c.provider_id ?? null })),
        next_steps: byName.candidates.slice(0, 3).map(c => again(c.id, `If you meant ${c.name ?? c.id}.`))
      }
    }
  }
  const near = resolveName(text, cards.map(c => ({ ...c, name: c.name ?? c.id })), { maxSuggestions: 3 })
  const suggestions = near.found === false ? near.suggestions : []
  const routingRow = /^\d+$/.test(text)
  return {
    ok: false,
    answer: {
      summary: `No rate card "${text}".${suggestions.length === 0 ? '' : ` Did you mean ${suggestions.map(c => `${c.name} (${c.id})`).join(' or ')}?`}`,
      found: false,
      why: routingRow
        ? `card ids are alphanumeric (e.g. fU4g-dkiF); ${text} looks like a routing row's numeric id, which is not a card: getCustomer lists a customer's card_id values`
        : `no card has the id or a name containing "${text}"`,
      parameter: retry.parameter,
      suggestions: suggestions.map(c => ({ id: c.id, name: c.name })),
      next_steps: suggestions.map(c => again(c.id, `If you meant ${c.name}.`))
    }
  }
}
