// The inputs of queued / building / built, read and checked before any request: a bad value or
// an unreadable file stops the step before anything reaches GitHub or the store.
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import {
  OUTPUT_TEXT_MAX_BYTES,
  parseAnnotations,
  parseBuilds,
  parseConclusion,
  truncateUtf8,
} from '../checks/inputs.ts'
import type { Annotation, BuildState, Conclusion } from '../checks/types.ts'
import { UserError } from '../errors.ts'
import type { CommonInputs } from './common-inputs.ts'

type GetInput = (name: string) => string

/** Larger input files are refused: nothing GitHub accepts in a check run comes near this. */
export const MAX_INPUT_FILE_BYTES = 1024 * 1024

const CUT_NOTICE = '\n\n… (cut to fit GitHub\'s limit of 65535 bytes)'

export interface TransitionInputs {
  state: BuildState
  builds: string[]
  conclusion?: Conclusion
  title?: string
  summary?: string
  text?: string
  annotations?: Annotation[]
  detailsUrl: string
}

/**
 * An annotation's path as GitHub links it: relative to the repository root, with `/`. Tools on
 * Windows runners write `src\a.ts` or the absolute `D:\a\repo\repo\src\a.ts`; those are made
 * relative to the workspace (drive letters and Windows paths compare case-insensitively).
 */
export function repositoryPath(file: string, workspace = process.env.GITHUB_WORKSPACE ?? ''): string {
  const windows = /^[A-Za-z]:[\\/]/.test(workspace) || /^[A-Za-z]:[\\/]/.test(file) || file.includes('\\')
  const slashed = windows ? file.replace(/\\/g, '/') : file
  const root = (windows ? workspace.replace(/\\/g, '/') : workspace).replace(/\/+$/, '')
  const same = (a: string, b: string) => (windows ? a.toLowerCase() === b.toLowerCase() : a === b)
  if (root && slashed.length > root.length + 1 && slashed[root.length] === '/' && same(slashed.slice(0, root.length), root)) {
    return slashed.slice(root.length + 1)
  }
  return slashed.replace(/^\.\//, '')
}

/** The directories a `*-file` input may point into, their real paths (the workspace, RUNNER_TEMP). */
function inputFileRoots(): string[] {
  const roots = [process.env.GITHUB_WORKSPACE || process.cwd(), process.env.RUNNER_TEMP].filter((r): r is string => !!r)
  return roots.map((r) => {
    try {
      return fs.realpathSync(r)
    } catch {
      return path.resolve(r)
    }
  })
}

const inside = (root: string, p: string) => p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep)

/**
 * A file given by a `*-file` input, relative to the workspace; every failure names the input and
 * file. Only a regular file whose real path is inside the workspace or RUNNER_TEMP is read: earlier
 * code in the job can plant a symlink to /proc/self/environ (the action's inputs, the private key
 * among them) or to a FIFO that never ends, and its contents would become a check run's text.
 */
export function readInputFile(input: string, file: string): string {
  const resolved = path.resolve(process.env.GITHUB_WORKSPACE || process.cwd(), file)
  const failure = (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code
    return new UserError(
      code === 'ENOENT'
        ? `${input}: ${file} does not exist (looked for ${resolved}). Check the path; relative paths start at the workspace.`
        : `${input}: cannot read ${file} (${code ?? String(error)}).`,
    )
  }
  let real: string
  try {
    real = fs.realpathSync(resolved)
  } catch (error) {
    throw failure(error)
  }
  if (!inputFileRoots().some((root) => inside(root, real))) {
    throw new UserError(
      `${input}: ${file} is ${real === resolved ? '' : `a link to ${real}, `}outside the workspace and RUNNER_TEMP: ` +
        'only files there are read. Write the file into the workspace.',
    )
  }
  // Opened without following a link and without blocking (a FIFO would wait for a writer), then
  // checked on the open file itself, so a swap after the checks above is caught too.
  const flags = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0)
  let fd: number
  try {
    fd = fs.openSync(real, flags)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') throw new UserError(`${input}: ${file} is not a file.`)
    throw failure(error)
  }
  try {
    const stat = fs.fstatSync(fd)
    if (stat.isDirectory()) throw new UserError(`${input}: ${file} is not a file.`)
    if (!stat.isFile()) throw new UserError(`${input}: ${file} is not a regular file (a FIFO, socket or device): only regular files are read.`)
    if (stat.size > MAX_INPUT_FILE_BYTES) {
      throw new UserError(`${input}: ${file} has ${stat.size} bytes; at most ${MAX_INPUT_FILE_BYTES} (1 MiB) are read.`)
    }
    return fs.readFileSync(fd, 'utf8')
  } catch (error) {
    if (error instanceof UserError) throw error
    throw failure(error)
  } finally {
    fs.closeSync(fd)
  }
}

/** Summary or text: the file wins over the inline input; both are cut to GitHub's byte limit with a notice. */
function textInput(getInput: GetInput, name: string): string | undefined {
  const file = getInput(`${name}-file`).trim()
  const value = file ? readInputFile(`${name}-file`, file) : getInput(name)
  if (value.trim() === '') return undefined
  const cut = truncateUtf8(value, OUTPUT_TEXT_MAX_BYTES, CUT_NOTICE)
  if (cut !== value) core.warning(`${name}${file ? '-file' : ''} is longer than GitHub's 65535 bytes: it was cut.`)
  return cut
}

function urlInput(getInput: GetInput, name: string, fallback: string): string {
  const text = getInput(name).trim()
  if (!text) return fallback
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UserError(`${name} "${text}" is not a URL: give an http(s) URL.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UserError(`${name} "${text}" must be an http(s) URL.`)
  return text
}

export function readTransitionInputs(
  state: BuildState,
  common: CommonInputs,
  runUrl: string,
  getInput: GetInput = (name) => core.getInput(name),
): TransitionInputs {
  const builds = parseBuilds(getInput('builds'), common.suite, common.nameTemplate)
  const conclusionText = getInput('conclusion')
  let conclusion: Conclusion | undefined
  if (state === 'built') conclusion = parseConclusion(conclusionText, true)
  else if (conclusionText.trim() !== '') {
    parseConclusion(conclusionText) // still a mistake worth naming when invalid
    core.warning(`conclusion is used only by command: built; ignored for ${state}.`)
  }
  const annotationsFile = getInput('annotations-file').trim()
  const annotations = annotationsFile
    ? parseAnnotations(readInputFile('annotations-file', annotationsFile)).map((a) => ({ ...a, path: repositoryPath(a.path) }))
    : undefined
  const title = getInput('title').trim()
  if (title.length > 1000) throw new UserError(`title has ${title.length} characters; keep it under 1000 (one line).`)
  return {
    state,
    builds,
    conclusion,
    title: title || undefined,
    summary: textInput(getInput, 'summary'),
    text: textInput(getInput, 'text'),
    annotations: annotations?.length ? annotations : undefined,
    detailsUrl: urlInput(getInput, 'details-url', runUrl),
  }
}
