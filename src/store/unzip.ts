// Reads the files of a small zip held in memory (an artifact downloaded through the REST API),
// with unzip-stream, the unzipper @actions/artifact itself uses.
import { Readable } from 'node:stream'

interface ZipEntry extends NodeJS.ReadableStream {
  path: string
  type: 'File' | 'Directory'
  autodrain(): void
}

export async function unzipText(zip: Buffer): Promise<Map<string, string>> {
  const { default: unzip } = (await import('unzip-stream')) as unknown as {
    default: { Parse(): NodeJS.ReadWriteStream }
  }
  const files = new Map<string, string>()
  const reads: Promise<void>[] = []
  await new Promise<void>((resolve, reject) => {
    Readable.from([zip])
      .pipe(unzip.Parse())
      .on('entry', (entry: ZipEntry) => {
        if (entry.type !== 'File') return entry.autodrain()
        const chunks: Buffer[] = []
        reads.push(
          new Promise((done, fail) => {
            entry.on('data', (c: Buffer) => chunks.push(c))
            entry.on('end', () => done(void files.set(entry.path, Buffer.concat(chunks).toString('utf8'))))
            entry.on('error', fail)
          }),
        )
      })
      .on('close', resolve)
      .on('finish', resolve)
      .on('error', reject)
  })
  await Promise.all(reads)
  return files
}
