export const MANIFEST: string
export function sourceDigest(root?: string): string
export function outputDigests(dir: string): Record<string, string>
