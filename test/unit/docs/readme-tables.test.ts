// The README's input and output tables are the user's reference: every input and output that
// action.yml declares is in one of them, nothing else is, and every command has its table.
// action.yml is read with GitHub's parser (as test/unit/docs/github-parser.test.ts does).
import { NoOperationTraceWriter } from '@actions/workflow-parser'
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index'
import fs from 'node:fs'
import path from 'node:path'
import { expect, test } from 'vitest'

const root = path.resolve(import.meta.dirname, '../../..')
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8')
const { context, value } = parseAction({ name: 'action.yml', content: fs.readFileSync(path.join(root, 'action.yml'), 'utf8') }, new NoOperationTraceWriter())
const action = convertActionTemplate(context, value!)
const inputs = action.inputs!.map((i) => i.id)
const outputs = action.outputs!.map((o) => o.id)

interface Row { first: string; second: string }

/** The rows of every Markdown table whose header's first cell is `kind` (indented tables too). */
function tables(markdown: string, kind: 'input' | 'output'): Row[][] {
  const found: Row[][] = []
  const lines = markdown.split('\n').map((l) => l.trim())
  const cells = (line: string) => line.replace(/^\||\|$/g, '').split('|').map((c) => c.trim())
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || !/^\|\s*-/.test(lines[i + 1]!) || cells(lines[i]!)[0] !== kind) continue
    const rows: Row[] = []
    for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
      const [first = '', second = ''] = cells(lines[i]!)
      rows.push({ first, second })
    }
    found.push(rows)
  }
  return found
}

/** The names a first cell gives in backticks; `permission-<name>` stands for every permission input. */
function names(cell: string, declared: string[]): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].flatMap(([, name]) =>
    name === 'permission-<name>' ? declared.filter((n) => n.startsWith('permission-')) : [name!],
  )
}

const inputTables = tables(readme, 'input')
const outputTables = tables(readme, 'output')
const documentedInputs = inputTables.flat().flatMap((r) => names(r.first, inputs))
const documentedOutputs = outputTables.flat().flatMap((r) => names(r.first, outputs))

test('every input of action.yml is in a README input table, and every name there is an input', () => {
  expect(inputs.length).toBeGreaterThan(90)
  expect(documentedInputs.filter((n) => !inputs.includes(n))).toEqual([])
  expect(inputs.filter((n) => !documentedInputs.includes(n))).toEqual([])
})

test('every output of action.yml is in a README output table, and every name there is an output', () => {
  expect(documentedOutputs.filter((n) => !outputs.includes(n))).toEqual([])
  expect(outputs.filter((n) => !documentedOutputs.includes(n))).toEqual([])
})

// The commands src/run.ts dispatches, each named in the `command` row of an input table.
test('every command has an input table (its `command` row) and an output table', () => {
  const commands = [...fs.readFileSync(path.join(root, 'src/run.ts'), 'utf8').matchAll(/^ {2}(\w+): \(\) => import\(/gm)].map((m) => m[1]!)
  expect(commands).toEqual(['token', 'queued', 'building', 'built', 'conclude', 'reconcile', 'rerequested', 'mirror'])
  const commandRows = inputTables.map((rows) => rows.find((r) => r.first === '`command`'))
  expect(commandRows.every(Boolean)).toBe(true)
  const tabled = commandRows.flatMap((r) => [...r!.second.matchAll(/`([a-z]+)`/g)].map((m) => m[1]!))
  expect([...tabled].sort()).toEqual([...commands].sort())
  expect(outputTables.length).toBe(inputTables.length)
})

test('the check catches a missing or an unknown name', () => {
  const without = readme.replace(/^\| `skip-token-revoke` \|.*\n/m, '').replace('| `unsynced` |', '| `unsyncd` |')
  expect(without).not.toBe(readme)
  const docIn = tables(without, 'input').flat().flatMap((r) => names(r.first, inputs))
  const docOut = tables(without, 'output').flat().flatMap((r) => names(r.first, outputs))
  expect(inputs.filter((n) => !docIn.includes(n))).toEqual(['skip-token-revoke'])
  expect(docOut.filter((n) => !outputs.includes(n))).toEqual(['unsyncd'])
})
