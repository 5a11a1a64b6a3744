// Figures a reviewer asks of the source tree, read with TypeScript's own parser:
//   node scripts/code-metrics.mjs functions [N] [dir]  the N longest functions (lines), longest first
//   node scripts/code-metrics.mjs imports [dir]        the folder-level import graph of src/
// The layering rule the imports must keep lives in test/unit/layering.test.ts (it uses importGraph).
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

function sourceFiles(dir) {
  const out = []
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...sourceFiles(full))
    else if (/\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name)) out.push(full)
  }
  return out.sort()
}

function parse(file) {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
}

/** Every function-like declaration with a body, and its length in lines (first to last line). */
export function functionLengths(dir = 'src') {
  const rows = []
  for (const file of sourceFiles(dir)) {
    const source = parse(file)
    const visit = (node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line
        const end = source.getLineAndCharacterOfPosition(node.end).line
        rows.push({ file: path.relative(process.cwd(), file), name: nameOf(node), lines: end - start + 1 })
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return rows.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file))
}

function nameOf(node) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text
  if (node.name && ts.isPrivateIdentifier(node.name)) return node.name.text
  if (ts.isConstructorDeclaration(node)) return 'constructor'
  const parent = node.parent
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text
  return '(anonymous)'
}

/** The folder of a file under `dir`: its first path segment, or the file itself ("./run.ts") at the top. */
function folderOf(dir, file) {
  const rel = path.relative(dir, file).split(path.sep)
  return rel.length > 1 ? rel[0] : `./${rel[0]}`
}

/**
 * Folder-level edges of relative imports (static, dynamic and re-exports; type-only ones too):
 * "from -> to" with the files behind each edge.
 */
export function importGraph(dir = 'src') {
  const edges = new Map()
  for (const file of sourceFiles(dir)) {
    const source = parse(file)
    const specifiers = []
    const visit = (node) => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        specifiers.push(node.moduleSpecifier.text)
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
        specifiers.push(node.arguments[0].text)
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
    for (const spec of specifiers) {
      if (!spec.startsWith('.')) continue
      const target = path.resolve(path.dirname(file), spec)
      // A package's own file by path (src/store/results-client.ts): a dependency, not a folder of src/.
      if (path.relative(dir, target).startsWith('..')) continue
      const from = folderOf(dir, file)
      const to = folderOf(dir, target)
      if (from === to) continue
      const key = `${from} -> ${to}`
      if (!edges.has(key)) edges.set(key, new Set())
      edges.get(key).add(`${path.relative(dir, file)} -> ${path.relative(dir, target)}`)
    }
  }
  return [...edges.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([edge, files]) => ({ edge, files: [...files].sort() }))
}

/** Cycles among folders (each as a list of folders), found by a depth-first walk. */
export function folderCycles(graph) {
  const next = new Map()
  for (const { edge } of graph) {
    const [from, to] = edge.split(' -> ')
    if (!next.has(from)) next.set(from, [])
    next.get(from).push(to)
  }
  const cycles = []
  const state = new Map()
  const stack = []
  const walk = (node) => {
    state.set(node, 'open')
    stack.push(node)
    for (const to of next.get(node) ?? []) {
      if (state.get(to) === 'open') cycles.push([...stack.slice(stack.indexOf(to)), to])
      else if (!state.has(to)) walk(to)
    }
    stack.pop()
    state.set(node, 'done')
  }
  for (const node of next.keys()) if (!state.has(node)) walk(node)
  return cycles
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [what = 'functions', ...rest] = process.argv.slice(2)
  if (what === 'functions') {
    const n = Number(rest[0] ?? 10)
    for (const r of functionLengths(rest[1] ?? 'src').slice(0, n)) console.log(`${String(r.lines).padStart(4)}  ${r.file}  ${r.name}`)
  } else if (what === 'imports') {
    const graph = importGraph(rest[0] ?? 'src')
    for (const { edge, files } of graph) console.log(`${edge}  (${files.length})`)
    const cycles = folderCycles(graph)
    console.log(cycles.length === 0 ? 'no cycles' : cycles.map((c) => `cycle: ${c.join(' -> ')}`).join('\n'))
  } else {
    console.error('usage: node scripts/code-metrics.mjs functions [N] [dir] | imports [dir]')
    process.exit(2)
  }
}
