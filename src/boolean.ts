// The one reading of a boolean input, shared by the token inputs (src/auth/inputs.ts) and the
// check inputs (src/checks/inputs.ts), which word their errors each their own way.

/** true or false in any case (as core.getBooleanInput), else undefined. */
export function booleanValue(text: string): boolean | undefined {
  const value = String(text).trim().toLowerCase()
  return value === 'true' ? true : value === 'false' ? false : undefined
}
