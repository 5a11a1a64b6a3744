// GitHub's own parser over every YAML file a user or a runner reads: action.yml, examples/,
// the README's snippets and .github/workflows/. `@actions/workflow-parser` is the engine of
// GitHub's Actions language service (actions/languageservices); its action schema
// (action-v1.0.json) declares, like the runner's, which strings may hold `${{ }}` and with which
// contexts. The runner evaluates expressions in every string of action.yml, descriptions
// included, and refuses the whole file when one names an unknown context ("Unrecognized
// named-value: 'github'" … "Failed to load action.yml"); test/runner-files.ts reads action.yml with
// its own small parser, which never noticed.
import { convertWorkflowTemplate, isMapping, isSequence, isString, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseActionInputs } from '../../runner-files.ts'

const root = path.resolve(import.meta.dirname, '../../..')
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8')
const trace = new NoOperationTraceWriter()

/** Every error GitHub's parser reports for an action manifest: schema, then conversion. */
function actionErrors(name: string, content: string): string[] {
  const { context, value } = parseAction({ name, content }, trace)
  if (value) convertActionTemplate(context, value)
  return context.errors.getErrors().map((e) => e.message)
}

/** Every error for a workflow: schema (expressions and their contexts included), then conversion (jobs, needs, matrix, cron). */
async function workflowErrors(name: string, content: string): Promise<{ errors: string[]; root?: TemplateToken }> {
  const { context, value } = parseWorkflow({ name, content }, trace)
  if (value) await convertWorkflowTemplate(context, value)
  return { errors: context.errors.getErrors().map((e) => e.message), root: value }
}

const action = convertActionTemplate(...(() => {
  const { context, value } = parseAction({ name: 'action.yml', content: read('action.yml') }, trace)
  return [context, value!] as const
})())
const declaredInputs = new Set(action.inputs?.map((i) => i.id))

/** `with:` keys of steps that use this action (`./` or `…/github-app-ci@…`) that action.yml does not declare. */
function undeclaredInputs(workflow: TemplateToken | undefined): string[] {
  const unknown: string[] = []
  const jobs = workflow && isMapping(workflow) ? workflow.find('jobs') : undefined
  for (const job of jobs && isMapping(jobs) ? jobs : []) {
    const steps = isMapping(job.value) ? job.value.find('steps') : undefined
    for (const step of steps && isSequence(steps) ? steps : []) {
      if (!isMapping(step)) continue
      const uses = step.find('uses')
      if (!uses || !isString(uses) || !(uses.value === './' || /\/github-app-ci@/.test(uses.value))) continue
      const inputs = step.find('with')
      for (const input of inputs && isMapping(inputs) ? inputs : []) {
        if (!declaredInputs.has(input.key.toString())) unknown.push(`${job.key.toString()}: ${input.key.toString()}`)
      }
    }
  }
  return unknown
}

/** The README's ```yaml blocks, with the line each starts on. */
function readmeSnippets(): { line: number; text: string }[] {
  const snippets: { line: number; text: string }[] = []
  const lines = read('README.md').split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```yaml') continue
    const start = i + 1
    while (i + 1 < lines.length && lines[i + 1]!.trim() !== '```') i++
    snippets.push({ line: start + 1, text: lines.slice(start, i + 1).join('\n') })
    i++
  }
  return snippets
}

/** A snippet as a workflow: a whole one as it is, a list of steps inside a one-job workflow. */
function asWorkflow(snippet: string): string {
  const first = snippet.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('#')) ?? ''
  if (/^- /.test(first)) {
    const steps = snippet.split('\n').map((l) => (l ? `      ${l}` : l)).join('\n')
    return `on: push\njobs:\n  snippet:\n    runs-on: ubuntu-latest\n    steps:\n${steps}\n`
  }
  if (/^(on|name|jobs|permissions):/m.test(snippet) && /^jobs:/m.test(snippet)) return snippet
  throw new Error(`a README yaml snippet is neither a workflow nor a list of steps (add a case here):\n${snippet}`)
}

describe('action.yml under GitHub\'s action schema', () => {
  test('loads with no error, as a node24 action with a main and a post step', () => {
    expect(actionErrors('action.yml', read('action.yml'))).toEqual([])
    expect(action.runs).toMatchObject({ using: 'node24', main: 'dist/index.js', post: 'dist/post.js' })
    expect(action.inputs?.length).toBeGreaterThan(50)
  })

  // The description shipped before: the runner refused the file at this line.
  test('an expression in an input description is an error, as on the runner', () => {
    const old = read('action.yml').replace(
      /( {2}details-url:\n)(?:.*\n)*? {4}required: false\n/,
      '$1    description: >-\n' +
        "      The check run's details link. Defaults to this workflow run attempt's page; for a link to the\n" +
        '      job itself, where "Re-run job" lives, pass\n' +
        '      ${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}/job/${{ job.check_run_id }}.\n' +
        '    required: false\n',
    )
    expect(old).not.toBe(read('action.yml'))
    const errors = actionErrors('action.yml', old)
    expect(errors).toContain(`action.yml (Line: ${old.split('\n').findIndex((l) => l.includes('details-url:')) + 2}, Col: 18): Unrecognized named-value: 'github'`)
    expect(errors).toContainEqual(expect.stringContaining("Unrecognized named-value: 'job'"))
  })

  test('the other mistakes it catches: an unknown key, a runtime the runner lacks, a context defaults cannot use', () => {
    const text = read('action.yml')
    expect(actionErrors('action.yml', text.replace('main: dist/index.js', 'mian: dist/index.js'))).toContainEqual(
      expect.stringContaining("Unexpected value 'mian'"),
    )
    expect(actionErrors('action.yml', text.replace('using: node24', 'using: node26'))).toContainEqual(
      expect.stringContaining("Unexpected value 'node26'"),
    )
    // Defaults may use github, runner, env…, never secrets. (Unknown keys inside an input are
    // not errors: the schema, like the runner, lets an input carry any other key.)
    expect(actionErrors('action.yml', text.replace("default: '7'", 'default: ${{ secrets.X }}'))).toContainEqual(
      expect.stringContaining("Unrecognized named-value: 'secrets'"),
    )
  })

  // The harness (test/runner.ts) gives dist/ the inputs' defaults through its own small parser:
  // it must read action.yml as GitHub does.
  test('the harness reads the same inputs, defaults and required flags as GitHub\'s parser', () => {
    const github = action.inputs!.map((i) => ({ name: i.id, required: i.required ?? false, ...(i.default ? { default: i.default.toString() } : {}) }))
    expect(parseActionInputs(read('action.yml'))).toEqual(github)
  })
})

describe('workflows under GitHub\'s workflow schema', () => {
  const files = [
    ...fs.readdirSync(path.join(root, 'examples')).map((f) => `examples/${f}`),
    ...fs.readdirSync(path.join(root, '.github/workflows')).filter((f) => /\.ya?ml$/.test(f)).map((f) => `.github/workflows/${f}`),
  ]

  test('there are examples and a CI workflow to check', () => {
    expect(files.filter((f) => f.startsWith('examples/')).length).toBeGreaterThanOrEqual(3)
    expect(files).toContain('.github/workflows/ci.yml')
  })

  test.each(files)('%s: no error, and every input it gives this action is declared', async (file) => {
    const { errors, root: workflow } = await workflowErrors(file, read(file))
    expect(errors).toEqual([])
    expect(undeclaredInputs(workflow)).toEqual([])
  })

  test('the README\'s yaml snippets: no error, every input declared', async () => {
    const snippets = readmeSnippets()
    expect(snippets.length).toBeGreaterThanOrEqual(4)
    for (const { line, text } of snippets) {
      const { errors, root: workflow } = await workflowErrors(`README.md:${line}`, asWorkflow(text))
      expect({ line, errors }).toEqual({ line, errors: [] })
      expect({ line, unknown: undeclaredInputs(workflow) }).toEqual({ line, unknown: [] })
    }
  })

  test('what the workflow check catches: an unknown context, a bad key, a need on no job, an undeclared input', async () => {
    const wf = (steps: string, extra = '') =>
      `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n${extra}    steps:\n${steps}`
    expect((await workflowErrors('x.yml', wf('      - run: echo ${{ secret.KEY }}\n'))).errors).toContainEqual(
      expect.stringContaining("Unrecognized named-value: 'secret'"),
    )
    expect((await workflowErrors('x.yml', wf('      - run: echo\n        wiht: {}\n'))).errors.length).toBeGreaterThan(0)
    const two = `${wf('      - run: echo\n')}  b:\n    needs: nope\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n`
    expect((await workflowErrors('x.yml', two)).errors).toContainEqual(expect.stringContaining("depends on unknown job 'nope'"))
    const { root: workflow } = await workflowErrors('x.yml', wf('      - uses: ./\n        with:\n          comand: token\n'))
    expect(undeclaredInputs(workflow)).toEqual(['a: comand'])
  })
})
