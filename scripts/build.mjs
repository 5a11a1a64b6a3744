// Bundles src/main.ts -> dist/index.js and src/post-main.ts -> dist/post.js with ncc.
// Builds into a scratch folder first, then swaps it in, so a reader never sees half a dist/.
import ncc from '@vercel/ncc'
import { minify } from 'terser'
import { MANIFEST, outputDigests, sourceDigest } from './build-digest.mjs'
import { chunkReport } from './chunk-report.mjs'
import fs from 'node:fs'
import path from 'node:path'

const out = path.resolve(process.argv[2] ?? 'dist')
const scratch = `${out}.tmp-${process.pid}`
fs.rmSync(scratch, { recursive: true, force: true })
const builds = []
for (const [entry, name] of [['src/main.ts', 'index'], ['src/post-main.ts', 'post']]) {
  const { code, assets, stats } = await ncc(path.resolve(entry), {
    minify: true,
    quiet: true,
    target: 'es2023',
    sourceMap: false,
    license: 'licenses.txt',
  })
  builds.push({ entry, output: `${name}.js`, stats })
  fs.mkdirSync(scratch, { recursive: true })
  fs.writeFileSync(path.join(scratch, `${name}.js`), code)
  for (const [file, { source }] of Object.entries(assets)) {
    fs.mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true })
    // ncc minifies only the entry file; its per-command chunks come out as written.
    const chunk = /\.index\.js$/.test(file)
      ? (await minify(source.toString(), { module: true, compress: false, mangle: true })).code
      : source
    fs.writeFileSync(path.join(scratch, file), chunk)
  }
}
fs.writeFileSync(path.join(scratch, 'CHUNKS.md'), chunkReport(builds))
const manifest = { source: sourceDigest(), files: outputDigests(scratch) }
fs.writeFileSync(path.join(scratch, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`)
fs.rmSync(out, { recursive: true, force: true })
fs.renameSync(scratch, out)
