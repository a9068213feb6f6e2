/**
 * Which destinations (as customer cards name them) a dialled-number prefix stands for. The
 * traffic report groups and filters by destination name, never by number, so a prefix is
 * answered through the names whose rules it covers. Numbers are rated by their longest matching
 * prefix, so a name counts when every rule of it starts with the prefix (all its numbers are
 * the prefix's); a name with rules both inside and outside the prefix cannot be split and is
 * left out, and one whose rule is shorter than the prefix (`44` for `447`) rates only the
 * prefix's numbers that no longer rule covers: both are named, so the caller can say its count
 * may be short.
 */

/** One rule of a card: its prefix and the destination it names. */
export interface NamedRule {
  prefix: string
  name: string
}

/** The destinations a prefix stands for. */
export interface PrefixDestinations {
  /** Every rule of these names starts with the prefix. */
  names: string[]
  /** Names with rules inside and outside the prefix: their counts mix both, so they are not counted. */
  mixed: string[]
  /** Names with a rule shorter than the prefix (the prefix starts with it), and no rule inside it. */
  broader: { name: string, prefix: string }[]
}

/** The destinations of `prefix` (digits) among the rules of the cards. */
export function destinationsOfPrefix (rules: readonly NamedRule[], prefix: string): PrefixDestinations {
  const byName = new Map<string, string[]>()
  for (const r of rules) {
    if (r.name === '' || r.prefix === '') continue
    byName.set(r.name, [...(byName.get(r.name) ?? []), r.prefix])
  }
  const names: string[] = []
  const mixed: string[] = []
  const broader: PrefixDestinations['broader'] = []
  for (const [name, prefixes] of [...byName].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const inside = prefixes.filter(p => p.startsWith(prefix))
    if (inside.length === prefixes.length) names.push(name)
    else if (inside.length > 0) mixed.push(name)
    else {
      const wider = prefixes.filter(p => prefix.startsWith(p)).sort((a, b) => b.length - a.length)[0]
      if (wider !== undefined) broader.push({ name, prefix: wider })
    }
  }
  return { names, mixed, broader }
}
