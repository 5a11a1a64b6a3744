// Bundles a baseline script with ncc, the way the project's own dist/ is built (minified, ES2023),
// so both sides of a comparison start from one bundled file. ncc takes 10–50 s per file on a busy
// 2-core machine, so bundles are cached by the hash of their source and the lock file.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..', '..')
const cacheDir = path.join(root, 'node_modules', '.cache', 'github-app-ci-bench')

export async function bundleBaseline(name: string): Promise<string> {
  const entry = path.join(here, '..', 'baselines', `${name}.ts`)
  const hash = createHash('sha256')
    .update(fs.readFileSync(entry))
    .update(fs.readFileSync(path.join(root, 'package-lock.json')))
    .digest('hex')
    .slice(0, 16)
  const file = path.join(cacheDir, `${name}-${hash}.js`)
  if (fs.existsSync(file)) return file
  const nccModule = '@vercel/ncc'
  const ncc = ((await import(nccModule)) as { default: (entry: string, o: object) => Promise<{ code: string }> }).default
  const { code } = await ncc(entry, { minify: true, quiet: true, target: 'es2023', sourceMap: false })
  fs.mkdirSync(cacheDir, { recursive: true })
  fs.writeFileSync(path.join(cacheDir, 'package.json'), '{"type":"module"}\n')
  fs.writeFileSync(`${file}.tmp`, code)
  fs.renameSync(`${file}.tmp`, file)
  return file
}
