import { RateDeck, type Rule } from '../analysis/rates'
import { getAllRules } from '../connexcs/rateCards'
import { defineTool } from '../lib/defineTool'
import { ToolError } from '../lib/errors'
import { formatCount, plural } from '../lib/format'
import { paginate } from '../lib/pagination'
import { nextStep, notFound, type NextStep, type ToolResult } from '../lib/result'
import { cursorParam, digitsParam, limitParam } from '../lib/sharedParams'
import { resolveCard } from './shared/cards'

const LONGEST_PREFIX = 'A number is priced by the rule with the longest prefix it starts with: 447700900123 takes 4477 if the card has it, else 447, else 44.'

/** A rule as the answer lists it. */
function ruleRow (r: Rule) {
  return { prefix: r.prefix, name: r.name, rate: r.cost, billing: `${r.mcd}/${r.pulse}`, ...(r.connection_cost === 0 ? {} : { connection: r.connection_cost }) }
}

/** `getRateCard`: a card's details and its rules, by prefix or destination. */
export const getRateCard = defineTool({
  name: 'getRateCard',
  title: 'Rate card',
  description: 'A rate card by its card_id (from getCustomer) or its name: currency, revisions (the active one marked), rule count ' +
    'and its rules (prefix, destination, rate per minute, billing mcd/pulse, connection charge). Filter by prefix (which ' +
    'rule applies, by longest prefix, and the ranges inside it) or destination name. Paginated.',
  example: 'What does the Retail A-Z card charge for UK mobile (447)?',
  readOnly: true,
  selfTest: {
    needs: 'customer',
    args: ({ customer }) => ({ card_id: customer.card_id ?? 'cx-mcp-no-such-card', limit: 5 }),
    expect: { card: 'object', rules: 'array' },
    mayFindNothing: true
  },
  params: {
    card_id: { type: 'string', description: 'Rate card id (alphanumeric, e.g. fU4g-dkiF: a routing row\'s card_id, not its numeric id) or card name.', required: true, maxLength: 100 },
    rev: { type: 'string', description: 'Revision number; default the active one.', maxLength: 20, acceptsNumber: true },
    prefix: digitsParam('Rules for numbers starting with these digits: the one that applies, and longer prefixes inside it.'),
    destination: { type: 'string', description: 'Rules whose destination name contains this, e.g. Mobile, Pakistan.', maxLength: 100 },
    limit: limitParam(25, 100),
    cursor: cursorParam
  },
  async handler (args, ctx): Promise<ToolResult> {
    const found = await resolveCard(ctx.api, args.card_id, { tool: 'getRateCard', args, parameter: 'card_id' })
    if (!found.ok) return found.answer
    const card = found.card
    const rev = args.rev ?? (card.active_rev === undefined ? undefined : String(card.active_rev))
    const revisions = (card.revisions ?? []).map(r => ({ ...r, ...(String(r.rev) === String(card.active_rev) ? { active: true } : {}) }))
    const details = {
      id: card.id,
      name: card.name ?? null,
      currency: card.currency ?? null,
      direction: card.direction ?? null,
      kind: card.provider_id === null || card.provider_id === undefined ? 'sell (customer card)' : `buy (carrier ${card.provider_id})`,
      active_rev: card.active_rev ?? null,
      ...(card.max_rev === undefined ? {} : { max_rev: card.max_rev }),
      revisions,
      ...(card.parent_card_ids === undefined ? {} : { carrier_cards: card.parent_card_ids.length })
    }
    if (rev === undefined) throw new ToolError('upstream', `card ${card.id} has no active revision in the API's answer; give rev`)
    let read: { rules: Rule[], complete: boolean }
    try {
      read = await getAllRules(ctx.api, card.id, rev)
    } catch (error) {
      if (!(error instanceof ToolError) || error.type !== 'not_found') throw error
      return notFound(`Card ${card.name ?? card.id} has no revision "${rev}".`, `its revisions are ${revisions.map(r => r.rev).join(', ') || 'not listed'}`,
        [nextStep('getRateCard', { card_id: card.id }, 'The active revision.')], { parameter: 'rev', card: details })
    }
    const deck = new RateDeck(read.rules)
    const prefix = args.prefix?.replace(/^\+/, '')
    const wanted = args.destination?.toLowerCase()
    const applies = prefix === undefined ? undefined : deck.match(prefix)
    // For a prefix: the rule that covers it (when shorter), then every rule inside it.
    const covering = applies === undefined || applies.prefix === prefix ? [] : [applies.rule]
    let rules = prefix === undefined ? read.rules : [...covering, ...read.rules.filter(r => r.prefix.startsWith(prefix))]
    if (wanted !== undefined) rules = rules.filter(r => r.name.toLowerCase().includes(wanted))
    if (prefix !== undefined) rules = rules.toSorted((a, b) => a.prefix.length - b.prefix.length || (a.prefix < b.prefix ? -1 : 1))
    const page = paginate(rules, args.cursor, args.limit)
    const inside = prefix === undefined ? [] : read.rules.filter(r => r.prefix.length > prefix.length && r.prefix.startsWith(prefix))

    const head = `${card.name ?? card.id} (${card.id}): ${card.currency ?? '?'} ${details.kind}, revision ${rev}${String(rev) === String(card.active_rev) ? ' (active)' : ` (the active one is ${card.active_rev})`}, ` +
      `${plural(read.rules.length, 'rule')}${read.complete ? '' : ' read (the card has more)'}.`
    const prefixText = prefix === undefined
      ? ''
      : applies === undefined
        ? ` No rule covers numbers starting ${prefix}: the switch refuses them (503 No Routes Available (Pre)).`
        : ` Numbers starting ${prefix} are priced by ${applies.prefix} ${applies.rule.name} at ${applies.rule.cost}/min` +
          `${inside.length === 0 ? '' : `, except ${plural(inside.length, 'longer prefix', 'longer prefixes')} inside it priced apart (${inside.slice(0, 3).map(r => `${r.prefix} ${r.name} ${r.cost}/min`).join('; ')}${inside.length > 3 ? '; …' : ''})`}.`
    const filterText = wanted === undefined ? '' : ` ${plural(rules.length, 'rule')} named "${args.destination}".`
    const steps: NextStep[] = []
    if (prefix !== undefined && applies !== undefined) steps.push(nextStep('lookupRate', { card_id: card.id, number: prefix }, 'What carriers charge for it, and the margin.'))
    if (page.next_cursor !== undefined) steps.push(nextStep('getRateCard', { ...args, cursor: page.next_cursor }, 'Next page of rules.'))
    if (prefix === undefined && wanted === undefined) steps.push(nextStep('getRateCard', { card_id: card.id, prefix: '44' }, 'Only the rules for one prefix (here UK, 44), and which applies.'))

    if (rules.length === 0 && wanted !== undefined) {
      return notFound(`${head} No rule${prefix === undefined ? '' : ` for ${prefix}…`} is named "${args.destination}".`, 'destination matches part of a rule\'s name, any case',
        [nextStep('getRateCard', { card_id: card.id, limit: 100 }, 'All the rules, to see their names.')], { card: details })
    }
    return {
      summary: head + prefixText + filterText,
      card: details,
      ...(prefix === undefined ? {} : { longest_prefix: LONGEST_PREFIX, applies: applies === undefined ? null : ruleRow(applies.rule) }),
      total: rules.length,
      rules: page.items.map(ruleRow),
      ...(page.next_cursor === undefined ? {} : { next_cursor: page.next_cursor }),
      ...(read.complete ? {} : { complete: false, why: `the card has more than ${formatCount(read.rules.length)} rules: only those were read` }),
      next_steps: steps
    }
  }
})
