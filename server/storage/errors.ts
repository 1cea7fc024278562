// Errors raised by the evidence store, carrying the API codes declared in server/errors.ts so the problem plugin renders them.
import { AppError, Errors } from '../errors.js'
import { text as t, type Text } from '../messages/text.js'

/** The upload went past the size limit; it was aborted while streaming and nothing was kept. */
export class FileTooLargeError extends AppError {
  readonly maxBytes: number

  constructor (maxBytes: number) {
    const { code, statusCode, title } = Errors.payloadTooLarge
    super(code, statusCode, title, t(`The file is larger than the limit of ${formatBytes(maxBytes)}`, `Tệp lớn hơn giới hạn ${formatBytes(maxBytes)}`), { extra: { maxBytes } })
    this.name = 'FileTooLargeError'
    this.maxBytes = maxBytes
  }
}

/** The content (not the name or the declared type) is not one of the allowed evidence formats. */
export class UnsupportedFileTypeError extends AppError {
  /** What the content looked like, in English for logs ("a Windows executable", "a zip archive"); the client gets its language's. */
  readonly reason: string

  constructor (reason: Text) {
    const { code, statusCode, title } = Errors.unsupportedMediaType
    super(code, statusCode, title,
      t(`The file content is not an accepted evidence format (PDF, JPEG, PNG, Word, Excel, PowerPoint or OpenDocument): it looks like ${reason.en}`,
        `Nội dung tệp không thuộc định dạng tài liệu kiểm chứng được chấp nhận (PDF, JPEG, PNG, Word, Excel, PowerPoint hoặc OpenDocument); tệp có vẻ là ${reason.vi}`),
      { extra: { reason } })
    this.name = 'UnsupportedFileTypeError'
    this.reason = reason.en
  }
}

/** No stored object has this hash. */
export class EvidenceNotFoundError extends AppError {
  constructor (sha256: string) {
    const { code, statusCode, title } = Errors.notFound
    super(code, statusCode, title, t(`No evidence file is stored under ${sha256.slice(0, 80)}`, 'Không tìm thấy tệp tài liệu kiểm chứng.'))
    this.name = 'EvidenceNotFoundError'
  }
}

function formatBytes (bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} bytes`
}
