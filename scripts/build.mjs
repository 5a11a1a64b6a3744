// Bundles src/main.ts -> dist/index.js and src/post.ts -> dist/post.js with ncc.
// Builds into a scratch folder first, then swaps it in, so a reader never sees half a dist/.
import ncc from '@vercel/ncc'
import fs from 'node:fs'
import path from 'node:path'

const out = path.resolve(process.argv[2] ?? 'dist')
const scratch = `${out}.tmp-${process.pid}`
fs.rmSync(scratch, { recursive: true, force: true })
for (const [entry, name] of [['src/main.ts', 'index'], ['src/post.ts', 'post']]) {
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
    fs.writeFileSync(path.join(scratch, file), source)
  }
}
fs.rmSync(out, { recursive: true, force: true })
fs.renameSync(scratch, out)
