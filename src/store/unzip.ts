// Reads the files of a small zip held in memory (a state fragment artifact) with fflate: no
// dependencies, maintained, and synchronous on a Buffer, which is all a fragment needs.
// unzip-stream (what @actions/artifact extracts with) calls the deprecated Buffer() constructor
// and made Node print DEP0005 on every step that read the state.
import { unzipSync } from 'fflate'

export async function unzipText(zip: Buffer): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  // a directory entry's name ends with '/'; its content is empty
  for (const [name, bytes] of Object.entries(unzipSync(new Uint8Array(zip.buffer, zip.byteOffset, zip.byteLength)))) {
    if (!name.endsWith('/')) files.set(name, Buffer.from(bytes).toString('utf8'))
  }
  return files
}
