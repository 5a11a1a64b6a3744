// Small helpers for figures: medians and Markdown tables (printed and written to RESULTS.md).

export function median(values: number[]): number {
  if (values.length === 0) return NaN
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

export const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} ms` : '—')
export const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '—')
export const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`

export interface Section {
  title: string
  /** first row: the header */
  rows: string[][]
  notes: string[]
}

export function markdownTable(rows: string[][]): string {
  const [head, ...body] = rows
  const line = (r: string[]) => `| ${r.join(' | ')} |`
  return [line(head!), line(head!.map(() => '---')), ...body.map(line)].join('\n')
}

export function renderSection(s: Section): string {
  return [`## ${s.title}`, '', markdownTable(s.rows), '', ...s.notes.map((n) => `- ${n}`), ''].join('\n')
}
