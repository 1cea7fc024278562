// Evidence store on the local file system: objects at <root>/ab/cd/<sha256>, uploads streamed through a temporary file in <root>/tmp.
import { close, createWriteStream, fdatasync, fsync, open as openFile, write, writev } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { EvidenceNotFoundError, FileTooLargeError } from './errors.js'
import { EvidenceIntake, SHA256_HEX, holdSourceErrors, isAbandoned, temporaryName, wasTruncated } from './intake.js'
import type { ByteRange, EvidenceStore, ObjectInfo, PutOptions, StoredObject } from './types.js'

const FILE_MODE = 0o640
const DIRECTORY_MODE = 0o750

export class LocalEvidenceStore implements EvidenceStore {
  readonly rootDir: string
  /** Inside the root so that the final rename stays on one file system and is atomic. */
  readonly temporaryDir: string

  constructor (rootDir: string) {
    this.rootDir = resolve(rootDir)
    this.temporaryDir = join(this.rootDir, 'tmp')
  }

  async put (source: Readable, options: PutOptions): Promise<StoredObject> {
    const { maxBytes, signal } = options
    const release = holdSourceErrors(source, maxBytes)

    const temporaryPath = join(this.temporaryDir, temporaryName())
    let output: Writable | undefined
    try {
      await mkdir(this.temporaryDir, { recursive: true, mode: DIRECTORY_MODE })
      const intake = new EvidenceIntake(maxBytes)
      // `flush` fsyncs before close, so a renamed object is on disk, not only in the page cache. The socket hands the
      // upload over 64 KiB at a time; a 1 MiB buffer lets the chunks that arrive while a write is under way go to the
      // disk together in one writev (bench:upload: 100 MiB at 185–193 MiB/s, was 131–158). What is written is synced
      // as the rest arrives (syncingFileSystem).
      output = createWriteStream(temporaryPath, { flags: 'wx', mode: FILE_MODE, flush: true, highWaterMark: 1024 * 1024, fs: syncingFileSystem() })
      await pipeline(source, intake, output, ...(signal ? [{ signal }] : []))
      if (wasTruncated(source)) throw new FileTooLargeError(maxBytes)
      const { sha256, size, detectedType } = intake.received()
      const deduplicated = await this.commit(temporaryPath, sha256, size)
      return { sha256, size, detectedType, deduplicated }
    } catch (error) {
      // pipeline() has destroyed the source already, unless it failed before starting: never leave a request half-read.
      if (!source.destroyed) source.destroy()
      await this.discard(temporaryPath, output)
      throw error
    } finally {
      release()
    }
  }

  /** Moves a complete temporary file to its content address, or drops it when that content is already stored. */
  private async commit (temporaryPath: string, sha256: string, size: number): Promise<boolean> {
    const finalPath = this.pathOf(sha256) as string
    const existing = await stat(finalPath).catch(ifMissing(undefined))
    if (existing?.isFile() && existing.size === size) {
      // Touching it tells a garbage collector it is wanted again; if it vanished meanwhile, fall through and store ours.
      const now = new Date()
      const touched = await utimes(finalPath, now, now).then(() => true, ifMissing(false))
      if (touched) {
        await rm(temporaryPath, { force: true })
        return true
      }
    }
    await mkdir(dirname(finalPath), { recursive: true, mode: DIRECTORY_MODE })
    // Atomic: readers see no object or the whole object. A concurrent identical upload replaces it with the same bytes.
    await rename(temporaryPath, finalPath)
    await syncDirectory(dirname(finalPath))
    return false
  }

  private async discard (temporaryPath: string, output: Writable | undefined): Promise<void> {
    // Wait for the descriptor to close: an open file cannot be removed on Windows.
    if (output && !output.closed) {
      output.destroy()
      await new Promise((resolve) => output.once('close', resolve))
    }
    await rm(temporaryPath, { force: true })
  }

  async open (sha256: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(sha256)
    if (!path) throw new EvidenceNotFoundError(sha256)
    const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new EvidenceNotFoundError(sha256) : error
    })
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {})
  }

  async exists (sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== undefined
  }

  async stat (sha256: string): Promise<ObjectInfo | undefined> {
    const path = this.pathOf(sha256)
    if (!path) return undefined
    const info = await stat(path).catch(ifMissing(undefined))
    return info?.isFile() ? { sha256: sha256.toLowerCase(), size: info.size, modifiedAt: info.mtime } : undefined
  }

  async delete (sha256: string): Promise<boolean> {
    const path = this.pathOf(sha256)
    if (!path) return false
    return rm(path).then(() => true, ifMissing(false))
  }

  /**
   * Removes temporary files left by a crash or a restart mid-upload (a killed process cannot clean up after itself):
   * those of a process of this host that is no longer running, and any idle for `olderThanMs`; uploads in progress in
   * another live process sharing the directory survive.
   */
  async removeStaleTemporaryFiles (olderThanMs = 60 * 60 * 1000): Promise<number> {
    const names = await readdir(this.temporaryDir).catch(ifMissing([] as string[]))
    let removed = 0
    for (const name of names) {
      const path = join(this.temporaryDir, name)
      const info = await stat(path).catch(ifMissing(undefined))
      if (info?.isFile() && isAbandoned(name, info.mtime, olderThanMs)) {
        await rm(path, { force: true })
        removed++
      }
    }
    return removed
  }

  /** The object's path, or undefined for a key that is not a SHA-256 hex digest (so no key can point outside the root). */
  private pathOf (sha256: string): string | undefined {
    const key = String(sha256).toLowerCase()
    if (!SHA256_HEX.test(key)) return undefined
    return join(this.rootDir, key.slice(0, 2), key.slice(2, 4), key)
  }
}

function ifMissing<T> (value: T): (error: NodeJS.ErrnoException) => T {
  return (error) => {
    if (error.code === 'ENOENT') return value
    throw error
  }
}

/** Makes a rename durable; not every platform or file system can fsync a directory, and that is no reason to fail an upload. */
async function syncDirectory (path: string): Promise<void> {
  const handle = await open(path, 'r').catch(() => undefined)
  if (!handle) return
  try {
    await handle.sync()
  } catch {
    // EISDIR, EINVAL, EPERM: unsupported here.
  } finally {
    await handle.close()
  }
}

/** Bytes written between two syncs of an upload's temporary file while the rest of it arrives. */
const SYNC_EVERY_BYTES = 16 * 1024 * 1024

type Done = (error: NodeJS.ErrnoException | null) => void

/**
 * The file system calls of one upload's temporary file (createWriteStream's `fs` option): every 16 MiB written, an
 * fdatasync (`datasync`) starts while the rest of the upload arrives, so the fsync after its last byte has only the
 * last few MiB to write (bench:upload, 100 MiB: that fsync took 68–93 ms with everything left to it, 10–40 ms this
 * way). The final fsync and the close wait for a sync under way; a sync's failure fails the final fsync (the kernel
 * reports a write error once), so the upload fails instead of storing a file that is not on disk.
 */
export function syncingFileSystem (everyBytes = SYNC_EVERY_BYTES, datasync: (fd: number, callback: Done) => void = fdatasync) {
  let unsynced = 0
  // While a sync is under way: what waits for it to end.
  let waiting: (() => void)[] | undefined
  let failed: NodeJS.ErrnoException | undefined
  const written = (fd: number, bytes: number): void => {
    unsynced += bytes
    if (unsynced < everyBytes || waiting !== undefined) return
    unsynced = 0
    waiting = []
    datasync(fd, (error) => {
      failed ??= error ?? undefined
      const then = waiting ?? []
      waiting = undefined
      for (const next of then) next()
    })
  }
  const afterSync = (then: () => void): void => {
    if (waiting === undefined) then()
    else waiting.push(then)
  }
  return {
    open: openFile,
    write: (fd: number, buffer: Buffer, offset: number, length: number, position: number | null, callback: (error: NodeJS.ErrnoException | null, bytes: number, buffer: Buffer) => void) => {
      write(fd, buffer, offset, length, position, (error, bytes, data) => {
        if (error === null) written(fd, bytes)
        callback(error, bytes, data)
      })
    },
    writev: (fd: number, buffers: NodeJS.ArrayBufferView[], position: number | null, callback: (error: NodeJS.ErrnoException | null, bytes: number, buffers: NodeJS.ArrayBufferView[]) => void) => {
      writev(fd, buffers, position, (error, bytes, data) => {
        if (error === null) written(fd, bytes)
        callback(error, bytes, data)
      })
    },
    fsync: (fd: number, callback: Done) => { afterSync(() => { if (failed !== undefined) callback(failed); else fsync(fd, callback) }) },
    close: (fd: number, callback: Done) => { afterSync(() => { close(fd, callback) }) }
  }
}
