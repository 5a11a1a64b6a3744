// dist/CHUNKS.md: which file of dist/ holds what, and which import loads it, from ncc's webpack
// stats. A command's code loads only when it runs (src/run.ts imports each command dynamically);
// the store libraries (src/store/artifact.ts, cache.ts) and undici (src/vendor/undici-lazy.cjs)
// are dynamic imports too; webpack puts what several of those share in chunks of their own.
// docs/reference.md "What dist/ holds" explains the why; this file keeps the list true.

/** The package or src/ folder a webpack module name belongs to. */
function ownerOf(name) {
  const clean = name.replace(/ \+ \d+ modules?$/, '')
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(clean)
  if (pkg) return pkg[1]
  if (clean.startsWith('external ')) return 'node built-ins'
  const folder = /^\.\/src\/([^/]+)\//.exec(clean)
  if (folder) return `src/${folder[1]}`
  if (/^\.\/src\/[^/]+$/.test(clean)) return 'src/*.ts'
  return clean
}

/** Leaf module names of a chunk (concatenated modules opened up). */
function leaves(modules) {
  return modules.flatMap((m) => (m.modules && m.modules.length > 0 ? leaves(m.modules) : [m.name]))
}

/** Markdown rows for one ncc build: `entry` names its entry file (no machine paths). */
export function chunkRows(stats, entry, output) {
  const json = stats.toJson({ chunks: true, modules: true, chunkModules: true, chunkOrigins: true })
  return json.chunks
    .map((chunk) => {
      // The entry chunk is written under the build's own name (dist/index.js, dist/post.js).
      const file = chunk.origins?.some((o) => !o.moduleName) ? output : chunk.files[0]
      const loadedBy = [...new Set((chunk.origins ?? []).map((o) => (o.moduleName ? `${o.moduleName.replace(/^\.\//, '')} → ${o.request.replace(/\.js$/, '')}` : `${entry} (entry)`)))]
      const owners = new Map()
      for (const name of leaves(chunk.modules ?? [])) owners.set(ownerOf(name), (owners.get(ownerOf(name)) ?? 0) + 1)
      const sorted = [...owners.entries()].filter(([o]) => !o.startsWith('webpack/')).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      const holds = sorted.slice(0, 12).map(([o, n]) => `${o} (${n})`)
      if (sorted.length > 12) holds.push(`${sorted.length - 12} more packages`)
      return { file, loadedBy, holds, size: chunk.size }
    })
    .sort((a, b) => a.file.localeCompare(b.file, 'en', { numeric: true }))
}

export function chunkReport(builds) {
  const lines = [
    '# dist/: which file holds what',
    '',
    'Written by scripts/build.mjs from ncc\'s stats (do not edit). Why the chunks exist: docs/reference.md, "What dist/ holds".',
    'Sizes are before minifying; "loaded by" is the import that makes the chunk load (shared chunks list every such import).',
    '',
    '| file | loaded by | holds (modules) | size |',
    '| --- | --- | --- | --- |',
  ]
  for (const { entry, output, stats } of builds) {
    for (const r of chunkRows(stats, entry, output)) {
      lines.push(`| ${r.file} | ${r.loadedBy.join('<br>')} | ${r.holds.join(', ')} | ${(r.size / 1024).toFixed(1)} KiB |`)
    }
  }
  return `${lines.join('\n')}\n`
}
