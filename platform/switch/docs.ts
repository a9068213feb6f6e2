/**
 * The documentation corpus behind `GET docs?s=` and `GET docs/<path>`: a handful of pages about
 * what the tools diagnose, written for this simulation in the shape of the ConnexCS docs (a title,
 * a metadata block, markdown). `docs/<path>` answers raw markdown, not JSON, as the real one does.
 */

interface Page {
  path: string
  title: string
  category: string
  audience: string
  difficulty: 'Beginner' | 'Intermediate' | 'Advanced'
  time: string
  prerequisites: string
  body: string
}

const PAGES: Page[] = [
  {
    path: 'guides/tshoot-signal',
    title: 'Troubleshooting Call Signalling',
    category: 'Troubleshooting',
    audience: 'Support Engineers',
    difficulty: 'Intermediate',
    time: '30 minutes',
    prerequisites: 'Logging, SIP basics',
    body: `Start from the call in **Logging**: search by number, Call-ID or IP, open the call and run a **SIP Trace** (C-Trace).

## Read the final response
- **486 Busy Here** and **487 Request Terminated** (after a CANCEL) are outcomes of the called or calling party, not faults.
- **404 Not Found** / **484 Address Incomplete**: the number is wrong, too short, or was changed by the dial plan. Check for a doubled country code (e.g. 4444…).
- **403 Forbidden** from a carrier: the carrier refuses our traffic (its IP allow-list, a barred destination). From the switch: the customer cannot call (balance, blocked account).
- **408 Request Timeout**: nothing answered. If the INVITE was sent several times without even a 100 Trying, the far end is unreachable.
- **488 Not Acceptable Here**: no codec in common. Compare the SDP offer with what the carrier accepts.
- **503**: from a carrier, it is overloaded or down; from the switch, see the routing error codes.

## Timing
Post-dial delay (PDD) is the time from the INVITE to the first 180/183. Above 5 s callers start to hang up (many 487s with short ring times).

## Authentication
A 407 followed by a second INVITE with credentials is normal digest authentication. Repeated 407s, or 503 Unknown User, mean the credentials are wrong.`
  },
  {
    path: 'guides/tshoot-audio',
    title: 'Troubleshooting Audio Quality and One-Way Audio',
    category: 'Troubleshooting',
    audience: 'Support Engineers',
    difficulty: 'Intermediate',
    time: '30 minutes',
    prerequisites: 'Logging, RTP basics',
    body: `## One-way or no audio
Most one-way audio is NAT. In the SIP trace, look at the Via, Contact and SDP \`c=\` lines of the caller: a private address (10.x, 172.16-31.x, 192.168.x) while packets arrive from a public one means the device is behind NAT. Media sent to the private address never arrives.

Fixes: enable NAT traversal (symmetric RTP / media latching) for the customer, set the PBX's external address, and disable SIP ALG on its router.

## Poor quality
The RTCP tab of a call shows jitter, packet loss, round-trip time and an estimated MOS for each direction of each leg.
- MOS below 3.5, jitter above 30 ms, loss above 1 % or RTT above 300 ms are poor.
- If only calls through one carrier are poor, the carrier's network is the cause: route around it.

## Calls that drop after 30 seconds
If the 200 OK is sent again and again and the call ends after about 32 s, the ACK never reached the switch. Check the customer's Contact header, firewall and NAT.`
  },
  {
    path: 'routing',
    title: 'Routing',
    category: 'Routing & Call Control',
    audience: 'Administrators, Support Engineers',
    difficulty: 'Intermediate',
    time: '1-2 hours',
    prerequisites: 'Customer Setup, Rate Cards',
    body: `A call is routed in stages: the customer is identified (by source IP or SIP user), **ingress routing** picks the customer's rate card, and the card's parent carrier cards give the carriers, cheapest first (LCR). When a carrier fails with a reroutable code the next one is tried.

## Error codes of the switch
| SIP code | Reason | Meaning |
|---|---|---|
| 401 | IP Not Authorised | The source IP matches no customer. |
| 403 | Insufficient Balance | The customer's credit plus debit limit is used up. |
| 503 | Unknown User | The SIP user name or password matches no account. |
| 503 | No Routes Available (Pre) | The customer's rate card has no rule for the number. |
| 503 | No Routes Available (U) | No carrier could take the call (no carrier card has the prefix, or routing left none). |

If the trace shows the INVITE reaching the switch but nothing sent to a carrier, the failure is in ingress routing.`
  },
  {
    path: 'card/building',
    title: 'Building Rate Cards',
    category: 'Billing & Rating',
    audience: 'Administrators',
    difficulty: 'Intermediate',
    time: '1 hour',
    prerequisites: 'Carriers, Customers',
    body: `A rate card is a list of rules: **prefix**, **name**, **cost** per minute, **MCD** (minimum charged duration) and **pulse** (billing increment). 60/60 bills whole minutes; 1/1 bills per second.

Rates match by **longest prefix**: 4470 (UK personal numbers) wins over 447 (UK mobile) for 447045…, so check the specific prefixes of a destination.

Every upload creates a new **revision**; one revision is active. A customer card built from carrier cards becomes **stale** when a carrier card changes: a destination the carrier dropped stays on the customer card with no route behind it.

Customers reach cards through **routing** rows: each row has its own numeric id and the card's alphanumeric id (e.g. GjjS-E0FO). Use the card id to look the card up.`
  },
  {
    path: 'customer/auth',
    title: 'Customer Authentication',
    category: 'Customer Management',
    audience: 'Administrators',
    difficulty: 'Beginner',
    time: '15 minutes',
    prerequisites: 'Customer Setup',
    body: `Customers authenticate by **IP** (their PBX's public addresses) or by **SIP user** (digest: the switch challenges the INVITE with 407 and the PBX answers with its user name and password).

- A call from an address that is not on any account gets **401 IP Not Authorised**. When a customer's PBX changes address, add the new one.
- Wrong or deleted SIP credentials give **503 Unknown User** after the challenge.`
  },
  {
    path: 'customer/credit-control',
    title: 'Credit Control and Balance',
    category: 'Billing & Rating',
    audience: 'Administrators, Finance',
    difficulty: 'Beginner',
    time: '15 minutes',
    prerequisites: 'Customer Setup',
    body: `A customer's **credit** goes down as calls are billed and up with payments. The **debit limit** lets it go below zero. Calls are allowed while credit + debit limit is above zero; after that the switch refuses them (403).

The **Payments** tab lists top-ups, newest first. Packages (recurring fees, one-off fees and free-minute bundles) are charged separately.`
  },
  {
    path: 'customer/did',
    title: 'DIDs',
    category: 'Numbers',
    audience: 'Administrators',
    difficulty: 'Beginner',
    time: '20 minutes',
    prerequisites: 'Customer Setup',
    body: `A **DID** is an inbound number. It belongs to a customer (or to none) and has a destination: the customer's equipment, or a Class 5 application on the switch (IVR, voicemail, queue, AI agent).

Assign a DID by setting its customer; the change takes effect within a minute.`
  },
  {
    path: 'logging',
    title: 'Logging and SIP Traces',
    category: 'Troubleshooting',
    audience: 'Support Engineers',
    difficulty: 'Beginner',
    time: '10 minutes',
    prerequisites: 'None',
    body: `**Logging** lists recent calls (14 days): search by phone number, Call-ID or IP. Each call shows its routing: the customer, the card, the carriers tried and their answers.

The **SIP trace** (C-Trace) of a call is kept for **7 days**; older calls have none. The trace shows both legs: the customer to the switch (A) and the switch to each carrier tried (B). The B leg has its own Call-ID.

Calls that connected are also in the **CDR**, kept much longer.`
  },
  {
    path: 'customer/cdr',
    title: 'Call Detail Records',
    category: 'Billing & Rating',
    audience: 'Administrators, Finance',
    difficulty: 'Beginner',
    time: '15 minutes',
    prerequisites: 'Logging',
    body: `The **CDR** has one row per connected call: time (UTC), numbers, duration, the customer's and the carrier's rate, billed duration and charge, in each card's currency.

Failed attempts are not in the CDR: use Logging or the breakout report for them. Zero-duration rows are calls answered and hung up at once.`
  },
  {
    path: 'report/breakout',
    title: 'Breakout Report: ASR, ACD and Profit',
    category: 'Reports',
    audience: 'Administrators',
    difficulty: 'Intermediate',
    time: '20 minutes',
    prerequisites: 'CDR',
    body: `The **breakout** report groups traffic by customer, carrier, destination and day, with attempts, connected calls, **ASR** (connected / attempts), **ACD** (average duration of connected calls), charges and profit.

Each carrier attempt counts: a call that failed over to a second carrier is an attempt of both. Attempts refused before any carrier have no carrier. A destination with attempts and no connected calls, and no carrier, is a routing gap.`
  },
  {
    path: 'setup/rtp',
    title: 'Media Servers and Zones',
    category: 'Infrastructure',
    audience: 'Administrators',
    difficulty: 'Intermediate',
    time: '20 minutes',
    prerequisites: 'None',
    body: `Media (RTP) is anchored on media servers grouped in **zones** (e.g. UK (London), USA East (New York)). A zone can fail over to another zone, may offer **transcoding** (needed when the two legs have no codec in common) and may scale elastically.

A zone that is not active takes no new calls.`
  },
  {
    path: 'apps/ai-agent',
    title: 'AI Agent',
    category: 'Apps',
    audience: 'Developers, Administrators',
    difficulty: 'Intermediate',
    time: '1 hour',
    prerequisites: 'DIDs, Class 5',
    body: `An **AI Agent** answers calls on a DID, talks with the caller and can call tools (ScriptForge functions on its allow list).

For each call you can read the Class 5 log (answer, agent start, hangup), the **transcription** (leg 0 is the caller, leg 1 the agent) and the agent's log (what it heard, said and which tools it called).`
  }
]

/** The page at `path` as markdown (ConnexCS's shape: title, metadata block, body), or undefined. */
export function docPage (path: string): string | undefined {
  const page = PAGES.find(p => p.path === path.replace(/\.md$/, ''))
  if (page === undefined) return undefined
  return `# ${page.title}

<details> <summary><strong>Document Metadata</strong></summary> <br>

<strong>Category</strong>: ${page.category}<br>
<strong>Audience</strong>: ${page.audience}<br>
<strong>Difficulty</strong>: ${page.difficulty}<br>
<strong>Time Required</strong>: ${page.time}<br>
<strong>Prerequisites</strong>: ${page.prerequisites}<br>

</details>

${page.body}
`
}

/** One result of `GET docs?s=`. */
export interface DocHit {
  public_url: string
  link: string
  body: string
}

/** Pages that mention the words of `query`, best first, with an HTML snippet around the first match. */
export function searchDocs (query: string): DocHit[] {
  const words = query.toLowerCase().split(/[^a-z0-9]+/).filter(w => w.length >= 2)
  if (words.length === 0) return []
  return PAGES.map(page => {
    const title = page.title.toLowerCase()
    const body = page.body.toLowerCase()
    const score = words.reduce((s, w) => s + (title.includes(w) ? 3 : 0) + body.split(w).length - 1, 0)
    return { page, score }
  })
    .filter(r => r.score > 0)
    .sort((a, b) => b.score - a.score || (a.page.path < b.page.path ? -1 : 1))
    .map(({ page }) => {
      const found = words.map(w => page.body.toLowerCase().indexOf(w)).filter(i => i >= 0)
      const at = found.length === 0 ? 0 : Math.max(0, Math.min(...found) - 80)
      const snippet = page.body.slice(at, at + 320).replace(/\s+/g, ' ').trim()
      return { public_url: `https://docs.connexcs.com/${page.path}/`, link: page.path, body: `<p>${snippet.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>` }
    })
}
