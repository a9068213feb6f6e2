import { listRtpServerGroups } from '../connexcs/media'
import { defineTool } from '../lib/defineTool'
import { notFound } from '../lib/result'

/** `getRtpServerGroups`: the media zones RTP can be anchored in. */
export const getRtpServerGroups = defineTool({
  name: 'getRtpServerGroups',
  title: 'Media zones',
  description: 'List the media (RTP) zones of the account: id, name, location, active or not, failover zone, ' +
    'transcoding and elastic scaling. Use it to check where media is anchored when a call has one-way or no ' +
    'audio, or to pick a zone near a customer.',
  example: 'Which media zones do we have, and which are down?',
  readOnly: true,
  selfTest: { args: () => ({}), expect: { zones: 'array' } },
  params: {},
  async handler (_args, ctx) {
    const groups = await listRtpServerGroups(ctx.api)
    if (groups.length === 0) {
      return notFound('The account has no RTP server groups.', 'No media zones are set up, so media is not anchored on ConnexCS.')
    }
    const names = new Map(groups.map(g => [g.id, g.name]))
    const active = groups.filter(g => g.status === 1)
    const inactive = groups.filter(g => g.status !== 1)
    return {
      summary: `${groups.length} media zones, ${active.length} active` +
        (inactive.length === 0 ? '.' : `; not active: ${inactive.map(g => g.name).join(', ')}.`),
      zones: groups.map(g => ({
        id: g.id,
        name: g.name,
        location: g.location,
        active: g.status === 1,
        failover_to: g.alt === undefined || g.alt === null || g.alt === 0 ? null : names.get(g.alt) ?? g.alt,
        transcoding: g.transcoding === 1,
        elastic: g.elastic === 1,
        max_servers_per_call: g.max_server_per_sip === 0 ? 'unlimited' : g.max_server_per_sip
      }))
    }
  }
})
