// The test runner itself: its parsers, and one real run of dist/index.js.
import { expect, test } from 'vitest'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runAction, runStep } from '../runner.ts'
import { inputEnvName, parseActionInputs, parseKeyValueFile, parseWorkflowCommands } from '../runner-files.ts'

test('output files: name=value lines and heredoc blocks, as @actions/core writes them', () => {
  const text = 'plain=1\ntoken<<ghadelimiter_abc\nline one\nline=two\nghadelimiter_abc\nempty<<EOF\nEOF\nlast=a=b\n'
  expect(parseKeyValueFile(text)).toEqual({ plain: '1', token: 'line one\nline=two', empty: '', last: 'a=b' })
  expect(() => parseKeyValueFile('x<<END\nno end\n')).toThrow(/delimiter/)
  expect(() => parseKeyValueFile('novalue\n')).toThrow(/Invalid format/)
})

test('workflow commands: masks, errors with properties, escaped data', () => {
  const stdout = [
    'plain log line',
    '::add-mask::ghs_secret',
    '::error file=src/a.ts,line=3,title=Bad%3A thing::first%0Asecond 100%25',
    '::warning::careful',
    '::debug::noise',
  ].join('\n')
  const cmds = parseWorkflowCommands(stdout)
  expect(cmds.map((c) => c.command)).toEqual(['add-mask', 'error', 'warning', 'debug'])
  expect(cmds[0]!.message).toBe('ghs_secret')
  expect(cmds[1]).toEqual({ command: 'error', properties: { file: 'src/a.ts', line: '3', title: 'Bad: thing' }, message: 'first\nsecond 100%' })
})

test('inputs: names become INPUT_ variables like the runner makes them; action.yml defaults are read', () => {
  expect(inputEnvName('private-key')).toBe('INPUT_PRIVATE-KEY')
  expect(inputEnvName('my input')).toBe('INPUT_MY_INPUT')
  const declared = parseActionInputs("name: x\ninputs:\n  command:\n    description: >-\n      long\n    default: token\n  quoted:\n    required: true\n    default: 'it''s'\n  none:\n    required: false\noutputs:\n  token:\n    description: t\n")
  expect(declared).toEqual([
    { name: 'command', required: false, default: 'token' },
    { name: 'quoted', required: true, default: "it's" },
    { name: 'none', required: false },
  ])
})

test('dist/index.js with an unknown command fails with an ::error:: line, without the parent\'s GITHUB_ variables', async () => {
  process.env.INPUT_COMMAND = 'token' // must not leak into the child: the runner builds its env from scratch
  try {
    const r = await runAction({ inputs: { command: 'nope' }, timeoutMs: 20_000 })
    expect(r.exitCode).toBe(1)
    expect(r.timedOut).toBe(false)
    expect(r.errors.some((e) => e.includes('Unknown command "nope"'))).toBe(true)
    expect(r.outputs).toEqual({})
  } finally {
    delete process.env.INPUT_COMMAND
  }
})

// A tiny action script standing in for dist/: it reports what it saw the way @actions/core does.
const probe = `
import fs from 'node:fs'
const append = (file, text) => fs.appendFileSync(process.env[file], text)
const inherited = Object.keys(process.env).filter((k) => k.startsWith('ACTIONS_') || k === 'LEAK_CHECK')
append('GITHUB_OUTPUT', 'input<<ghadelimiter_1\\n' + process.env['INPUT_PRIVATE-KEY'] + '\\nghadelimiter_1\\n')
append('GITHUB_OUTPUT', 'command=' + process.env.INPUT_COMMAND + '\\n')
append('GITHUB_OUTPUT', 'entry=' + (process.env.STATE_phase ?? 'main') + '\\n')
append('GITHUB_OUTPUT', 'inherited=' + inherited.join(',') + '\\n')
append('GITHUB_OUTPUT', 'event=' + process.env.GITHUB_EVENT_NAME + ':' + JSON.parse(fs.readFileSync(process.env.GITHUB_EVENT_PATH, 'utf8')).action + '\\n')
append('GITHUB_OUTPUT', 'api=' + process.env.GITHUB_API_URL + ' ' + process.env.GITHUB_GRAPHQL_URL + ' ' + process.env.GITHUB_SERVER_URL + '\\n')
append('GITHUB_STATE', 'phase<<ghadelimiter_2\\npost\\nghadelimiter_2\\n')
append('GITHUB_STEP_SUMMARY', '# hello\\n')
console.log('::add-mask::s3cr3t')
console.log('::warning file=a.ts,line=2::look%0Aout')
if (process.env.STATE_phase) console.log('::error::post ran')
if (process.env.INPUT_COMMAND === 'sleep') await new Promise((r) => setTimeout(r, 60_000))
`
const probeFile = () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'probe-')), 'probe.mjs')
  fs.writeFileSync(file, probe)
  return file
}

test('runStep: inputs, outputs, state to the post step, masks, annotations, summary, a clean env', async () => {
  process.env.ACTIONS_RUNTIME_TOKEN = 'parent' // must not leak
  const script = probeFile()
  try {
    const { main, post } = await runStep({
      inputs: { command: 'probe', 'private-key': 'a\nb' },
      event: { name: 'pull_request', payload: { action: 'opened' } },
      env: { GITHUB_API_URL: 'http://127.0.0.1:1/api/v3' },
      script,
    })
    expect(main.exitCode).toBe(0)
    expect(main.outputs).toEqual({
      input: 'a\nb', command: 'probe', entry: 'main', inherited: '', event: 'pull_request:opened',
      api: 'http://127.0.0.1:1/api/v3 http://127.0.0.1:1/api/graphql http://github.localhost',
    })
    expect(main.state).toEqual({ phase: 'post' })
    expect(main.masks).toEqual(['s3cr3t'])
    expect(main.warnings).toEqual(['look\nout'])
    expect(main.annotations[0]!.properties).toEqual({ file: 'a.ts', line: '2' })
    expect(main.errors).toEqual([])
    expect(main.summary).toBe('# hello\n')
    expect(post.outputs.entry).toBe('post')
    expect(post.errors).toEqual(['post ran'])
  } finally {
    delete process.env.ACTIONS_RUNTIME_TOKEN
  }
})

test('a timeout kills the step', async () => {
  const r = await runAction({ inputs: { command: 'sleep' }, script: probeFile(), timeoutMs: 1_000 })
  expect(r.timedOut).toBe(true)
  expect(r.exitCode).toBe(-1)
  expect(r.durationMs).toBeLessThan(10_000)
})

test('another action (actionYml): its own input defaults apply, not ours', async () => {
  const script = probeFile()
  const actionYml = path.join(path.dirname(script), 'action.yml')
  fs.writeFileSync(actionYml, "name: other\ninputs:\n  command:\n    default: 'theirs'\n  private-key:\n    default: ${{ github.token }}\nruns:\n  using: node24\n  main: probe.mjs\n")
  const theirs = await runAction({ inputs: {}, script, actionYml })
  expect(theirs.outputs.command).toBe('theirs')
  expect(theirs.outputs.input).toBe('undefined') // an expression default is the runner's to evaluate: left out
  const ours = await runAction({ inputs: {}, script })
  expect(ours.outputs.command).toBe('token')
})
