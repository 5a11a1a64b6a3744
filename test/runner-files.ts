// Parsers for what an action leaves behind, as the Actions runner reads it: the GITHUB_OUTPUT /
// GITHUB_STATE / GITHUB_ENV files, workflow commands on stdout, and the inputs declared in action.yml.

/** `name=value` lines and `name<<DELIM … DELIM` blocks (@actions/core writes the heredoc form). */
export function parseKeyValueFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line === '') continue
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    const eq = line.indexOf('=')
    if (heredoc && (eq === -1 || eq > line.indexOf('<<'))) {
      const [, name, delimiter] = heredoc
      const value: string[] = []
      let j = i + 1
      while (j < lines.length && lines[j] !== delimiter) value.push(lines[j++]!)
      if (j >= lines.length) throw new Error(`Matching delimiter not found '${delimiter}'`)
      out[name!] = value.join('\n')
      i = j
    } else if (eq > 0) {
      out[line.slice(0, eq)] = line.slice(eq + 1)
    } else {
      throw new Error(`Invalid format '${line}'`)
    }
  }
  return out
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',')

export interface WorkflowCommand { command: string; properties: Record<string, string>; message: string }

/** `::command key=value,key=value::message` lines of a step's output. */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = []
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line)
    if (!m) continue
    const properties: Record<string, string> = {}
    for (const pair of (m[2] ?? '').split(',')) {
      const eq = pair.indexOf('=')
      if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1))
    }
    commands.push({ command: m[1]!, properties, message: unescapeData(m[3]!) })
  }
  return commands
}

export interface DeclaredInput { name: string; default?: string; required: boolean }

/** The `inputs:` of action.yml (block style only, which is what the project's action.yml uses). */
export function parseActionInputs(actionYml: string): DeclaredInput[] {
  const inputs: DeclaredInput[] = []
  let inInputs = false
  let current: DeclaredInput | undefined
  const scalar = (raw: string) => {
    const v = raw.trim()
    if (v.startsWith("'") && v.endsWith("'") && v.length >= 2) return v.slice(1, -1).replace(/''/g, "'")
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) return JSON.parse(v) as string
    return v
  }
  for (const line of actionYml.split(/\r?\n/)) {
    if (/^\s*(#.*)?$/.test(line)) continue
    if (/^\S/.test(line)) { inInputs = /^inputs:\s*$/.test(line); current = undefined; continue }
    if (!inInputs) continue
    const name = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line)
    if (name) { current = { name: name[1]!, required: false }; inputs.push(current); continue }
    const prop = /^ {4}(default|required):\s*(.*)$/.exec(line)
    if (prop && current) {
      if (prop[1] === 'default') current.default = scalar(prop[2]!)
      else current.required = scalar(prop[2]!) === 'true'
    }
  }
  return inputs
}

/** The variable the runner sets for an input: upper-case, spaces to underscores, dashes kept. */
export const inputEnvName = (name: string) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
