// The GitHub emulators a test file has running, for the suite-wide check of what they refused
// or ignored (test/setup/emulator-violations.ts). Kept apart so the setup loads no emulator code.
export interface HasViolations { readonly violations: string[] }
export const liveEmulators = new Set<HasViolations>()
