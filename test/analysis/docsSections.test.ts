import { describe, expect, it } from 'vitest'
import { docMetadata, outlineDoc, sectionById, sectionSlug, withoutMetadata } from '../../src/analysis/docsSections'

const PAGE = `# Routing

<details> <summary><strong>Document Metadata</strong></summary> <br>

<strong>Category</strong>: Routing & Call Control<br>
<strong>Audience</strong>: Administrators<br>
<strong>Difficulty</strong>: Intermediate<br>
<strong>Time Required</strong>: 1-2 hours<br>
<strong>Prerequisites</strong>: Rate Cards<br>

</details>

Calls are routed in stages.

## Ingress routing
The customer's card.

### Longest prefix
Wins.

## Error codes of the \`switch\`
| code | reason |
|---|---|
| 503 | No Routes |

\`\`\`
## not a heading (in a fence)
\`\`\`

## Ingress routing
Again.
`

describe('outlineDoc', () => {
  it('lists the intro and every ## section with unique ids, titles, sizes and subsections', () => {
    const outline = outlineDoc(PAGE)
    expect(outline).toEqual({
      title: 'Routing',
      metadata: { category: 'Routing & Call Control', audience: 'Administrators', difficulty: 'Intermediate', time_required: '1-2 hours',
        prerequisites: 'Rate Cards' },
      chars: PAGE.length,
      sections: [
        { id: 'intro', title: 'Introduction', chars: PAGE.indexOf('## Ingress'), subsections: [] },
        { id: 'ingress-routing', title: 'Ingress routing',
          chars: '## Ingress routing\nThe customer\'s card.\n\n### Longest prefix\nWins.\n\n'.length, subsections: ['Longest prefix'] },
        { id: 'error-codes-of-the-switch', title: 'Error codes of the switch', chars: expect.any(Number), subsections: [] },
        { id: 'ingress-routing-2', title: 'Ingress routing', chars: '## Ingress routing\nAgain.\n'.length, subsections: [] }
      ],
      sections_omitted: 0
    })
    expect(outline.sections.reduce((sum, s) => sum + s.chars, 0)).toBe(PAGE.length)
  })

  it('is bounded, and copes with pages without title, metadata or sections', () => {
    expect(outlineDoc(PAGE, 2)).toMatchObject({ sections: [{ id: 'intro' }, { id: 'ingress-routing' }], sections_omitted: 2 })
    expect(outlineDoc('just text')).toEqual({ title: '', metadata: {}, chars: 9, sections: [{ id: 'intro', title: 'Introduction', chars: 9,
      subsections: [] }], sections_omitted: 0 })
    expect(outlineDoc('## Only\nx')).toMatchObject({ sections: [{ id: 'only', title: 'Only', chars: 9 }] })
    expect(outlineDoc('')).toMatchObject({ sections: [], sections_omitted: 0 })
  })
})

describe('sectionById', () => {
  it('returns one section by id, the fenced pseudo-heading inside it', () => {
    const section = sectionById(PAGE, ' Error-Codes-of-the-Switch ')!
    expect(section).toEqual({
      id: 'error-codes-of-the-switch',
      title: 'Error codes of the switch',
      markdown: '## Error codes of the `switch`\n| code | reason |\n|---|---|\n| 503 | No Routes |\n\n```\n## not a heading (in a fence)\n```\n',
      truncated: false,
      chars: section.markdown.length
    })
    expect(sectionById(PAGE, 'ingress-routing-2')!.markdown).toBe('## Ingress routing\nAgain.\n')
    expect(sectionById(PAGE, 'intro')!.markdown.startsWith('# Routing\n\n<details>')).toBe(true)
    expect(sectionById(PAGE, 'nope')).toBeUndefined()
  })

  it('cuts a long section at a line end near the limit, or at the limit', () => {
    const long = `## Big\n${'line of text\n'.repeat(100)}`
    expect(sectionById(long, 'big', 100)).toEqual({ id: 'big', title: 'Big', markdown: `## Big\n${'line of text\n'.repeat(7)}`, truncated: true,
      chars: long.length })
    expect(sectionById(`## One\n${'x'.repeat(500)}`, 'one', 50)).toMatchObject({ markdown: `## One\n${'x'.repeat(43)}`, truncated: true })
  })
})

describe('metadata and slugs', () => {
  it('reads the metadata block and removes it', () => {
    expect(docMetadata('<details><strong>Category</strong>: Numbers<br><strong>Difficulty</strong>:<br></details>')).toEqual({ category: 'Numbers' })
    expect(docMetadata('# No block')).toEqual({})
    expect(withoutMetadata(PAGE).slice(0, 40)).toBe('# Routing\n\nCalls are routed in stages.\n\n')
  })

  it('slugs headings', () => {
    expect(['Error codes of the switch', '1xx: provisional responses', '**Bold** `code`', '???', 'Q.850 & SIP'].map(sectionSlug))
      .toEqual(['error-codes-of-the-switch', '1xx-provisional-responses', 'bold-code', 'section', 'q-850-sip'])
  })
})
