import { beforeEach, describe, expect, it } from 'vitest'
import { listRtpServers } from '../../src/tools/listRtpServers'
import { installBridge, runInNode } from '../helpers/platform'

const servers = [
  { id: 12, alias: 'rtp-fra1.example.net', zone: 'Germany (Frankfurt)', ip: '198.51.100.21', rtp_group_id: 5 },
  { id: 11, alias: 'rtp-lon1.example.net', zone: 'UK (London)', ip: '198.51.100.11', rtp_group_id: 1 },
  { id: 13, alias: 'rtp-fra2.example.net', zone: 'Germany 2 (Frankfurt High Capacity)', ips: ['198.51.100.31', '198.51.100.32'], rtp_group_id: 6 },
  { id: 14, alias: 'rtp-lon2.example.net', zone: 'UK (London)', ip: '198.51.100.12', rtp_group_id: 1 }
]

beforeEach(() => {
  process.env.API_USERNAME = 'test@example.com'
  installBridge(async request => request.path === 'setup/rtp'
    ? { status: 200, statusText: 'OK', body: JSON.stringify(servers) }
    : { status: 404, statusText: 'Not Found', body: '{"error":"Not Found"}' })
})

describe('listRtpServers', () => {
  it('lists every server by zone, then id', async () => {
    const { result } = await runInNode(listRtpServers, {})
    expect(result).toEqual({
      summary: '4 RTP servers: 2× UK (London), 1× Germany (Frankfurt), 1× Germany 2 (Frankfurt High Capacity).',
      filters: {},
      total: 4,
      servers: [
        { id: 12, alias: 'rtp-fra1.example.net', zone: 'Germany (Frankfurt)', ip: '198.51.100.21', group_id: 5 },
        { id: 13, alias: 'rtp-fra2.example.net', zone: 'Germany 2 (Frankfurt High Capacity)', ip: '198.51.100.31, 198.51.100.32', group_id: 6 },
        { id: 11, alias: 'rtp-lon1.example.net', zone: 'UK (London)', ip: '198.51.100.11', group_id: 1 },
        { id: 14, alias: 'rtp-lon2.example.net', zone: 'UK (London)', ip: '198.51.100.12', group_id: 1 }
      ]
    })
  })

  it('filters by part of the zone, by alias and by id, and pages', async () => {
    expect((await runInNode(listRtpServers, { zone: 'frankfurt' })).result.servers.map((s: { id: number }) => s.id)).toEqual([12, 13])
    expect((await runInNode(listRtpServers, { alias: 'LON2' })).result.servers.map((s: { id: number }) => s.id)).toEqual([14])
    expect((await runInNode(listRtpServers, { server_id: 11, zone: 'uk' })).result.summary).toBe('1 RTP server matching: 1× UK (London).')
    const first = (await runInNode(listRtpServers, { limit: 3 })).result
    expect([first.servers.length, first.next_cursor]).toEqual([3, 'o3'])
  })

  it('says what exists when nothing matches', async () => {
    expect((await runInNode(listRtpServers, { zone: 'Tokyo' })).result).toEqual({
      summary: 'No RTP server matches zone "Tokyo".',
      found: false,
      why: 'The account has 4 servers; zone and alias match any part of the name.',
      filters: { zone: 'Tokyo' },
      next_steps: [{ tool: 'getRtpServerGroups', args: {}, why: 'See the zone names to filter by.' }]
    })
  })
})
