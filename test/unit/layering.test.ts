// The source tree's layers (docs/design.md "Architecture"): a folder imports only folders below
// it, so the pure core (src/checks) depends on nothing with I/O and nothing imports a command.
// The graph comes from TypeScript's parser (scripts/code-metrics.mjs), type-only imports included.
import { describe, expect, it } from 'vitest'
// @ts-expect-error -- a plain .mjs script without types
import { folderCycles, importGraph } from '../../scripts/code-metrics.mjs'

/** Lowest first. Top-level files are named on their own: some are leaves, some are entries. */
const LAYERS: string[][] = [
  ['./errors.ts', './log-context.ts', 'vendor'],
  ['./boolean.ts', './context.ts'],
  ['checks'],
  ['github'],
  ['auth', 'store'],
  ['state'],
  ['mirror'],
  ['reconcile'],
  ['commands'],
  ['./revoke.ts'],
  ['./run.ts', './post.ts', './post-main.ts'],
  ['./main.ts'],
]

const rank = (node: string): number => LAYERS.findIndex((layer) => layer.includes(node))

describe('layering of src/', () => {
  const graph: { edge: string; files: string[] }[] = importGraph('src')

  it('every folder and top-level file has a layer', () => {
    const nodes = new Set(graph.flatMap(({ edge }) => edge.split(' -> ')))
    expect([...nodes].filter((n) => rank(n) < 0)).toEqual([])
  })

  it('no folder imports one in its own or a higher layer (so there are no cycles)', () => {
    const upward = graph.filter(({ edge }) => {
      const [from, to] = edge.split(' -> ') as [string, string]
      return rank(to) >= rank(from)
    })
    expect(upward.map(({ edge, files }) => `${edge}: ${files.join(', ')}`)).toEqual([])
    expect(folderCycles(graph)).toEqual([])
  })
})
