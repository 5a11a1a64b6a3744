// Bundles src/main.ts -> dist/index.js and src/post-main.ts -> dist/post.js with ncc.
// Builds into a scratch folder first, then swaps it in, so a reader never sees half a dist/.
import ncc from '@vercel/ncc'
import { minify } from 'terser'
import { MANIFEST, outputDigests, sourceDigest } from './build-digest.mjs'
import fs from 'node:fs'
import path from 'node:path'

// Source patches of bundled dependencies, each applied to the chunks' text before minifying; the
// build fails when a pattern is not found as often as expected (a dependency update changed it).
const PATCHES = [
  {
    // @typespec/ts-http-runtime (under the Azure SDK of @actions/cache) asks `typeof FormData` of
    // every request body; reading that global makes Node load its bundled undici (about 20 ms of
    // CPU per step). A FormData body says so in its toStringTag, so the global is read only then.
    what: 'FormData check of @typespec/ts-http-runtime',
    pattern: /typeof FormData !== "undefined" && (\w+) instanceof FormData/g,
    replace: '$1 != null && $1[Symbol.toStringTag] === "FormData" && $1 instanceof FormData',
    count: 2,
  },
]
const patchCounts = new Map(PATCHES.map((p) => [p, 0]))
function patched(source) {
  let text = source
  for (const p of PATCHES) {
    text = text.replace(p.pattern, (...m) => {
      patchCounts.set(p, patchCounts.get(p) + 1)
      return p.replace.replace(/\$1/g, m[1])
    })
  }
  return text
}

const out = path.resolve(process.argv[2] ?? 'dist')
const scratch = `${out}.tmp-${process.pid}`
fs.rmSync(scratch, { recursive: true, force: true })
for (const [entry, name] of [['src/main.ts', 'index'], ['src/post-main.ts', 'post']]) {
  const { code, assets } = await ncc(path.resolve(entry), {
    minify: true,
    quiet: true,
    target: 'es2023',
    sourceMap: false,
    license: 'licenses.txt',
  })
  fs.mkdirSync(scratch, { recursive: true })
  fs.writeFileSync(path.join(scratch, `${name}.js`), code)
  for (const [file, { source }] of Object.entries(assets)) {
    fs.mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true })
    // ncc minifies only the entry file; its per-command chunks come out as written.
    const chunk = /\.index\.js$/.test(file)
      ? (await minify(patched(source.toString()), { module: true, compress: false, mangle: true })).code
      : source
    fs.writeFileSync(path.join(scratch, file), chunk)
  }
}
for (const [p, n] of patchCounts) {
  if (n !== p.count) throw new Error(`build: the ${p.what} was found ${n} times, not ${p.count}: see PATCHES in scripts/build.mjs`)
}
const manifest = { source: sourceDigest(), files: outputDigests(scratch) }
fs.writeFileSync(path.join(scratch, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`)
fs.rmSync(out, { recursive: true, force: true })
fs.renameSync(scratch, out)
