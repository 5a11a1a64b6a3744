// GraphQL at POST /graphql: documents are validated against GitHub's public schema
// (@octokit/graphql-schema) and executed with graphql-js against the emulator's store.
import { fileURLToPath } from 'node:url'
import fs from 'node:fs'
import path from 'node:path'
import { buildSchema, parse, validate, Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql'

// the package does not export the .graphql file: find it next to its entry point
// (its exports map has only an "import" condition, so walk up to node_modules instead of resolving)
function schemaFile(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', '@octokit', 'graphql-schema', 'schema.graphql')
    if (fs.existsSync(candidate)) return candidate
    if (path.dirname(dir) === dir) throw new Error('@octokit/graphql-schema is not installed')
  }
}
let schema: GraphQLSchema | undefined
/** Built once per process (about 0.7 s). The schema defines two fields twice (assumeValidSDL), and it is
 *  GitHub's own, so skip graphql-js's whole-schema check too (assumeValid: 0.25 s on the first validate). */
export function githubSchema(): GraphQLSchema {
  schema ??= buildSchema(fs.readFileSync(schemaFile(), 'utf8'), { assumeValidSDL: true, assumeValid: true })
  return schema
}

export interface GraphqlAnalysis {
  document?: DocumentNode
  operation?: OperationDefinitionNode
  query: string
  variables: Record<string, unknown>
  operationName?: string
  /** top-level mutation field names, one per (aliased) field */
  mutations: string[]
  /** parse / validation errors: the request is invalid */
  errors?: string[]
}

export function analyzeGraphql(body: unknown): GraphqlAnalysis {
  const b = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown }
  const base = {
    query: typeof b.query === 'string' ? b.query : '',
    variables: (b.variables && typeof b.variables === 'object' ? b.variables : {}) as Record<string, unknown>,
    operationName: typeof b.operationName === 'string' ? b.operationName : undefined,
    mutations: [] as string[],
  }
  if (!base.query) return { ...base, errors: ['A query attribute must be specified and must be a string.'] }
  let document: DocumentNode
  try {
    document = parse(base.query)
  } catch (error) {
    return { ...base, errors: [(error as Error).message] }
  }
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
  const operation = base.operationName ? ops.find((o) => o.name?.value === base.operationName) : ops[0]
  const mutations = operation?.operation === 'mutation'
    ? operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []))
    : []
  const errors = validate(githubSchema(), document).map((e) => e.message)
  return { ...base, document, operation, mutations, ...(errors.length ? { errors } : {}) }
}
