// Bundles src/main.ts -> dist/index.js and src/post.ts -> dist/post.js with ncc.
import ncc from '@vercel/ncc'
import fs from 'node:fs'
import path from 'node:path'
const out = process.argv[2] ?? 'dist'
fs.rmSync(out, { recursive: true, force: true })
for (const [entry, name] of [['src/main.ts', 'index'], ['src/post.ts', 'post']]) {
  if (!fs.existsSync(entry)) continue
  const { code, assets } = await ncc(path.resolve(entry), { minify: true, quiet: true, target: 'es2023', sourceMap: false, license: 'licenses.txt' })
  const dir = path.join(out, name === 'index' ? '' : '')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, `${name}.js`), code)
  for (const [file, { source }] of Object.entries(assets)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), source)
  }
}
