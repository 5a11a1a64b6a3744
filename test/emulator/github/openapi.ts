// REST request validation against GitHub's OpenAPI description (@octokit/openapi).
// The dereferenced description is 73 MB and takes over a second to parse, so the first process
// distils it to the parts we validate (path, method, operationId, parameters, JSON body schema)
// and caches that in the temp directory; later processes load the 1 MB digest in milliseconds.
import { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Ajv, type ValidateFunction, type ErrorObject } from 'ajv'
import addFormatsModule from 'ajv-formats'

interface Param { name: string; in: string; required?: boolean; schema?: object; multi?: boolean }
export interface Operation {
  path: string
  method: string
  operationId: string
  params: Param[]
  body?: object
  bodyRequired?: boolean
}
interface Template { op: Operation; segments: string[]; literals: number }

const require = createRequire(import.meta.url)
const specFile = require.resolve('@octokit/openapi/generated/api.github.com.deref.json')

function buildDigest(): Operation[] {
  const spec = JSON.parse(fs.readFileSync(specFile, 'utf8')) as {
    paths: Record<string, Record<string, any>>
  }
  const ops: Operation[] = []
  for (const [p, methods] of Object.entries(spec.paths)) {
    for (const [method, o] of Object.entries(methods)) {
      if (!o || typeof o !== 'object' || !o.operationId) continue
      const params: Param[] = (o.parameters ?? []).map((x: any) => ({
        name: x.name, in: x.in, required: x.required, schema: x.schema,
        multi: x['x-multi-segment'] === true || undefined,
      }))
      const json = o.requestBody?.content?.['application/json']?.schema
      ops.push({ path: p, method: method.toUpperCase(), operationId: o.operationId, params,
        body: json, bodyRequired: o.requestBody?.required === true })
    }
  }
  return ops
}

let cached: Template[] | undefined
export let digestLoadMs = 0

/** All operations, loaded once per process (from the digest cache when it is fresh). */
export function templates(): Template[] {
  if (cached) return cached
  const started = performance.now()
  const stat = fs.statSync(specFile)
  const digestFile = path.join(os.tmpdir(), `github-app-ci-openapi-${stat.size}-${Math.floor(stat.mtimeMs)}.json`)
  let ops: Operation[]
  try {
    ops = JSON.parse(fs.readFileSync(digestFile, 'utf8'))
  } catch {
    ops = buildDigest()
    const tmp = `${digestFile}.${process.pid}.tmp`
    fs.writeFileSync(tmp, JSON.stringify(ops))
    fs.renameSync(tmp, digestFile) // atomic: parallel test files may race here
  }
  cached = ops.map((op) => {
    const segments = op.path.split('/').slice(1)
    return { op, segments, literals: segments.filter((s) => !s.startsWith('{')).length }
  })
  digestLoadMs = performance.now() - started
  return cached
}

/** Matches a concrete path ('/repos/o/r/check-runs/1') to a path template; literals win over parameters. */
export function matchTemplate(
  segmentsOfTemplate: string[],
  pathSegments: string[],
  multi: (name: string) => boolean,
): Record<string, string> | undefined {
  const params: Record<string, string> = {}
  const walk = (ti: number, pi: number): boolean => {
    if (ti === segmentsOfTemplate.length) return pi === pathSegments.length
    if (pi >= pathSegments.length) return false
    const t = segmentsOfTemplate[ti]!
    const m = /^\{([^}]+)\}$/.exec(t)
    if (!m) return t === pathSegments[pi] && walk(ti + 1, pi + 1)
    const name = m[1]!
    const maxEnd = multi(name) ? pathSegments.length : pi + 1
    for (let end = maxEnd; end > pi; end--) {
      params[name] = pathSegments.slice(pi, end).map(decodeURIComponent).join('/')
      if (walk(ti + 1, end)) return true
    }
    delete params[name]
    return false
  }
  return walk(0, 0) ? params : undefined
}

export function findOperation(method: string, urlPath: string): { op: Operation; params: Record<string, string> } | undefined {
  const segs = urlPath.split('/').slice(1)
  let best: { op: Operation; params: Record<string, string>; literals: number } | undefined
  for (const t of templates()) {
    if (t.op.method !== method) continue
    if (best && t.literals <= best.literals) continue
    const params = matchTemplate(t.segments, segs, (n) => t.op.params.some((p) => p.name === n && p.multi))
    if (params) best = { op: t.op, params, literals: t.literals }
  }
  return best
}

// Two validators: parameters arrive as strings (coerce them like GitHub does), bodies are JSON (no coercion).
const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv
function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: coerce ? 'array' : false, useDefaults: false })
  addFormats(ajv)
  for (const f of ['int64', 'int32', 'double', 'timestamp', 'repo.nwo', 'binary', 'uri-template']) ajv.addFormat(f, true)
  return ajv
}
const paramsAjv = makeAjv(true)
const bodyAjv = makeAjv(false)
const compiled = new Map<string, { params: ValidateFunction; body?: ValidateFunction }>()

function compile(op: Operation) {
  const key = `${op.method} ${op.path}`
  let c = compiled.get(key)
  if (!c) {
    const properties: Record<string, object> = {}
    const required: string[] = []
    for (const p of op.params) {
      if (p.in !== 'path' && p.in !== 'query') continue
      properties[`${p.in}:${p.name}`] = p.schema ?? {}
      if (p.required) required.push(`${p.in}:${p.name}`)
    }
    c = {
      params: paramsAjv.compile({ type: 'object', properties, required }),
      body: op.body ? bodyAjv.compile(op.body) : undefined,
    }
    compiled.set(key, c)
  }
  return c
}

const describe = (where: string, errors: ErrorObject[] | null | undefined): string[] =>
  (errors ?? []).map((e) => {
    const at = e.instancePath ? `${where}${e.instancePath}` : where
    const allowed = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : ''
    return `${at} ${e.message ?? 'is invalid'}${allowed}`
  })

/** Problems with the request, as readable strings; empty when it is valid. */
export function validateRequest(
  op: Operation,
  pathParams: Record<string, string>,
  query: Record<string, string>,
  body: unknown,
): string[] {
  const c = compile(op)
  const values: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(pathParams)) values[`path:${k}`] = v
  for (const [k, v] of Object.entries(query)) {
    if (op.params.some((p) => p.in === 'query' && p.name === k)) values[`query:${k}`] = v
  }
  const problems: string[] = []
  if (!c.params(values)) problems.push(...describe('parameter', c.params.errors).map((s) => s.replace(/^parameter\/(path|query):/, '$1 parameter ')))
  if (c.body) {
    if (body === undefined) {
      if (op.bodyRequired) problems.push('request body is required')
    } else if (!c.body(body)) {
      problems.push(...describe('body', c.body.errors))
    }
  }
  return problems
}
