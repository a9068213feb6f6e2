import { listRtpServers as fetchRtpServers } from '../connexcs/media'
import type { RtpServer } from '../connexcs/types'
import { defineTool } from '../lib/defineTool'
import { countList, plural } from '../lib/format'
import { paginate } from '../lib/pagination'
import { nextStep, notFound } from '../lib/result'
import { cursorParam, limitParam } from '../lib/sharedParams'

function addresses (server: RtpServer): string[] {
  return server.ips ?? (server.ip === undefined ? [] : [server.ip])
}

/** `listRtpServers`: the media servers, filtered by zone, id or alias. */
export const listRtpServers = defineTool({
  name: 'listRtpServers',
  title: 'Media servers',
  description: 'List the media (RTP) servers of the account: id, host alias, IP, zone. Filter by zone name, ' +
    'server id or alias. Use it to find which server carried a call\'s media or whether a zone has servers; ' +
    'getRtpServerGroups gives the zones themselves.',
  example: 'Which RTP servers do we have in Frankfurt?',
  readOnly: true,
  selfTest: { args: () => ({ limit: 10 }), expect: { servers: 'array' }, mayFindNothing: true },
  params: {
    zone: { type: 'string', description: 'Part of the zone name, e.g. Frankfurt or London (case-insensitive).', maxLength: 100 },
    server_id: { type: 'number', description: 'One server\'s id.', integer: true, min: 1 },
    alias: { type: 'string', description: 'Part of the server\'s host alias.', maxLength: 100 },
    limit: limitParam(25, 100),
    cursor: cursorParam
  },
  async handler ({ zone, server_id: serverId, alias, limit, cursor }, ctx) {
    const all = await fetchRtpServers(ctx.api)
    const matching = all
      .filter(s => serverId === undefined || s.id === serverId)
      .filter(s => zone === undefined || (s.zone ?? '').toLowerCase().includes(zone.toLowerCase()))
      .filter(s => alias === undefined || (s.alias ?? '').toLowerCase().includes(alias.toLowerCase()))
      .toSorted((a, b) => ((a.zone ?? '') < (b.zone ?? '') ? -1 : (a.zone ?? '') > (b.zone ?? '') ? 1 : a.id - b.id))
    const filters = Object.fromEntries(Object.entries({ zone, server_id: serverId, alias }).filter(([, v]) => v !== undefined))
    if (matching.length === 0) {
      return notFound(
        all.length === 0 ? 'The account has no RTP servers.' : `No RTP server matches ${Object.entries(filters).map(([k, v]) => `${k} "${v}"`).join(', ')}.`,
        all.length === 0 ? 'No media servers are set up.' : `The account has ${plural(all.length, 'server')}; zone and alias match any part of the name.`,
        [nextStep('getRtpServerGroups', {}, 'See the zone names to filter by.')],
        { filters }
      )
    }
    const page = paginate(matching, cursor, limit)
    return {
      summary: `${plural(matching.length, 'RTP server')}${Object.keys(filters).length === 0 ? '' : ' matching'}: ${countList(matching.map(s => s.zone ?? 'no zone'), 5)}.`,
      filters,
      total: matching.length,
      servers: page.items.map(s => ({ id: s.id, alias: s.alias, zone: s.zone, ip: addresses(s).join(', ') || undefined, group_id: s.rtp_group_id })),
      ...(page.next_cursor === undefined ? {} : { next_cursor: page.next_cursor })
    }
  }
})
