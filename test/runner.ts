// Runs the bundled action (dist/index.js, dist/post.js) as a child process the way the Actions
// runner does: INPUT_* variables, GITHUB_* files and variables, STATE_* for the post step.
// Asynchronous on purpose: spawnSync would block the event loop of in-process emulators (deadlock).
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { registerRunResult } from './secrets-registry.ts'
import { inputEnvName, parseActionInputs, parseKeyValueFile, parseWorkflowCommands, type WorkflowCommand } from './runner-files.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export interface RunActionOptions {
  entry?: 'main' | 'post'
  /** `with:` values; undefined ones are left out (the action.yml default applies) */
  inputs: Record<string, string | undefined>
  /** added last: overrides anything the runner sets (e.g. GITHUB_API_URL: emulator.url) */
  env?: Record<string, string>
  event?: { name: string; payload: object }
  /** the main step's `state`, exposed to the post step as STATE_<name> */
  state?: Record<string, string>
  /** GITHUB_WORKSPACE and the working directory (default: a fresh temp directory, deleted afterwards:
   *  pass one to keep files such as a `file:` store between runs) */
  workdir?: string
  timeoutMs?: number
  /** run this file instead of dist/ (the runner's own tests) */
  script?: string
  /** the action.yml whose input defaults apply (default: ours); another action's, with its `script` */
  actionYml?: string
}

export interface RunActionResult {
  /** -1 when killed on timeout */
  exitCode: number
  timedOut: boolean
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  /** GITHUB_ENV exports */
  exportedEnv: Record<string, string>
  masks: string[]
  summary: string
  /** messages of ::error:: / ::warning:: lines */
  errors: string[]
  warnings: string[]
  /** the ::error::, ::warning:: and ::notice:: lines with their properties (file, line, title…) */
  annotations: WorkflowCommand[]
  durationMs: number
}

const declaredInputs = new Map<string, ReturnType<typeof parseActionInputs>>()
const actionInputs = (file = path.join(root, 'action.yml')) => {
  if (!declaredInputs.has(file)) declaredInputs.set(file, parseActionInputs(fs.readFileSync(file, 'utf8')))
  return declaredInputs.get(file)!
}

/** Variables of the parent worth keeping; everything else (GITHUB_*, INPUT_*, ACTIONS_*, proxies) stays out. */
const inherited = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'SYSTEMROOT']

export async function runAction(opts: RunActionOptions): Promise<RunActionResult> {
  const started = performance.now()
  const entry = opts.entry ?? 'main'
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-'))
  const workspace = opts.workdir ?? path.join(temp, 'workspace')
  fs.mkdirSync(workspace, { recursive: true })
  const files = {
    GITHUB_OUTPUT: path.join(temp, 'output'), GITHUB_STATE: path.join(temp, 'state'), GITHUB_ENV: path.join(temp, 'env'),
    GITHUB_STEP_SUMMARY: path.join(temp, 'summary.md'), GITHUB_PATH: path.join(temp, 'path'),
  }
  for (const f of Object.values(files)) fs.writeFileSync(f, '')
  const runnerTemp = path.join(temp, 'runner-temp')
  fs.mkdirSync(runnerTemp)

  const repository = opts.env?.GITHUB_REPOSITORY ?? 'octo-org/repo-a'
  const sha = opts.env?.GITHUB_SHA ?? 'f1d2d2f924e986ac86fdf7b36c94bcdf32beec15'
  const ref = opts.env?.GITHUB_REF ?? 'refs/heads/main'
  const event = opts.event ?? {
    name: 'push',
    payload: { ref, after: sha, repository: { full_name: repository, name: repository.split('/')[1], owner: { login: repository.split('/')[0] } } },
  }
  const eventPath = path.join(temp, 'event.json')
  fs.writeFileSync(eventPath, JSON.stringify(event.payload))
  const apiUrl = opts.env?.GITHUB_API_URL ?? 'http://127.0.0.1:9' // nothing listens there: never the real GitHub

  const env: Record<string, string> = {}
  for (const k of inherited) if (process.env[k] !== undefined) env[k] = process.env[k]!
  Object.assign(env, {
    CI: 'true', GITHUB_ACTIONS: 'true', RUNNER_OS: 'Linux', RUNNER_ARCH: 'X64', RUNNER_NAME: 'emulated-runner',
    RUNNER_TEMP: runnerTemp, RUNNER_TOOL_CACHE: path.join(temp, 'tool-cache'), GITHUB_WORKSPACE: workspace,
    ...files, GITHUB_EVENT_PATH: eventPath, GITHUB_EVENT_NAME: event.name,
    GITHUB_REPOSITORY: repository, GITHUB_REPOSITORY_OWNER: repository.split('/')[0]!, GITHUB_SHA: sha, GITHUB_REF: ref,
    GITHUB_REF_NAME: ref.replace(/^refs\/(heads|tags)\//, ''), GITHUB_WORKFLOW: 'ci', GITHUB_RUN_ID: '1000',
    GITHUB_RUN_NUMBER: '1', GITHUB_RUN_ATTEMPT: '1', GITHUB_JOB: 'build', GITHUB_ACTION: 'app', GITHUB_ACTOR: 'octocat',
    GITHUB_SERVER_URL: 'http://github.localhost', GITHUB_API_URL: apiUrl,
    GITHUB_GRAPHQL_URL: apiUrl.endsWith('/api/v3') ? `${apiUrl.slice(0, -7)}/api/graphql` : `${apiUrl}/graphql`,
  })
  for (const input of actionInputs(opts.actionYml)) if (input.default !== undefined && !input.default.includes('${{')) env[inputEnvName(input.name)] = input.default
  for (const [name, value] of Object.entries(opts.inputs)) if (value !== undefined) env[inputEnvName(name)] = value
  for (const [name, value] of Object.entries(opts.state ?? {})) env[`STATE_${name}`] = value
  Object.assign(env, opts.env ?? {})

  const script = opts.script ?? path.join(root, 'dist', entry === 'main' ? 'index.js' : 'post.js')
  const child = spawn(process.execPath, [script], { env, cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  let timedOut = false
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL') }, opts.timeoutMs ?? 30_000)
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve(code ?? -1))
  }).finally(() => clearTimeout(timer))

  const commands = parseWorkflowCommands(stdout)
  const fromCommands = (name: string) => Object.fromEntries(commands.filter((c) => c.command === name).map((c) => [c.properties.name ?? '', c.message]))
  const result: RunActionResult = {
    exitCode: timedOut ? -1 : exitCode,
    timedOut,
    stdout,
    stderr,
    // the legacy ::set-output:: / ::save-state:: commands too, in case a dependency still prints them
    outputs: { ...fromCommands('set-output'), ...parseKeyValueFile(fs.readFileSync(files.GITHUB_OUTPUT, 'utf8')) },
    state: { ...fromCommands('save-state'), ...parseKeyValueFile(fs.readFileSync(files.GITHUB_STATE, 'utf8')) },
    exportedEnv: parseKeyValueFile(fs.readFileSync(files.GITHUB_ENV, 'utf8')),
    masks: commands.filter((c) => c.command === 'add-mask').map((c) => c.message),
    summary: fs.readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    errors: commands.filter((c) => c.command === 'error').map((c) => c.message),
    warnings: commands.filter((c) => c.command === 'warning').map((c) => c.message),
    annotations: commands.filter((c) => ['error', 'warning', 'notice'].includes(c.command)),
    durationMs: performance.now() - started,
  }
  registerRunResult(`${entry} step (${opts.inputs.command ?? 'token'})`, result, { workspace, runnerTemp: env.RUNNER_TEMP, store: env[inputEnvName('store')] }) // for the secret scan
  fs.rmSync(temp, { recursive: true, force: true }) // the runner files and the default workspace
  return result
}

/** The main step, then its post step with the state the main step saved (like the runner at job end). */
export async function runStep(opts: Omit<RunActionOptions, 'entry' | 'state' | 'script'> & { script?: string }): Promise<{ main: RunActionResult; post: RunActionResult }> {
  const main = await runAction({ ...opts, entry: 'main' })
  const post = await runAction({ ...opts, entry: 'post', state: main.state })
  return { main, post }
}
