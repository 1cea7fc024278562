// What a request value breaks, by the JSON Schema keyword (and the service's own checks) with its params, in both
// languages: the `message` of each field problem of a 400 VALIDATION_FAILED.
import { joinTexts, Text } from './text.js'

type Params = Record<string, unknown>
const str = (value: unknown): string => typeof value === 'string' ? value : JSON.stringify(value) ?? String(value)

const formats: Record<string, string> = {
  email: 'địa chỉ email',
  uuid: 'mã định danh (UUID)',
  'date-time': 'thời điểm (ISO 8601, kèm múi giờ)',
  date: 'ngày (yyyy-mm-dd)',
  uri: 'địa chỉ URL'
}

const types: Record<string, string> = {
  integer: 'số nguyên',
  number: 'số',
  string: 'chuỗi ký tự',
  boolean: 'giá trị đúng/sai',
  object: 'đối tượng',
  array: 'danh sách',
  null: 'rỗng (null)'
}

const keywords: Record<string, (params: Params) => Text> = {
  required: () => new Text('is required', 'bắt buộc nhập'),
  additionalProperties: () => new Text('is not allowed here', 'không được phép có'),
  type: (p) => new Text(`must be ${str(p.type)}`, `phải là ${String(p.type).split(',').map((t) => types[t] ?? t).join(' hoặc ')}`),
  minLength: (p) => new Text(`must NOT have fewer than ${str(p.limit)} characters`, `phải có ít nhất ${str(p.limit)} ký tự`),
  maxLength: (p) => new Text(`must NOT have more than ${str(p.limit)} characters`, `không được dài quá ${str(p.limit)} ký tự`),
  minimum: (p) => new Text(`must be ${str(p.comparison)} ${str(p.limit)}`, `phải lớn hơn hoặc bằng ${str(p.limit)}`),
  maximum: (p) => new Text(`must be ${str(p.comparison)} ${str(p.limit)}`, `phải nhỏ hơn hoặc bằng ${str(p.limit)}`),
  exclusiveMinimum: (p) => new Text(`must be > ${str(p.limit)}`, `phải lớn hơn ${str(p.limit)}`),
  exclusiveMaximum: (p) => new Text(`must be < ${str(p.limit)}`, `phải nhỏ hơn ${str(p.limit)}`),
  multipleOf: (p) => new Text(`must be a multiple of ${str(p.multipleOf)}`, `phải là bội số của ${str(p.multipleOf)}`),
  pattern: () => new Text('has characters or a form that is not allowed', 'có ký tự hoặc dạng không được phép'),
  format: (p) => new Text(`must match format "${str(p.format)}"`, `không đúng định dạng ${formats[str(p.format)] ?? str(p.format)}`),
  enum: (p) => new Text(`must be one of ${(Array.isArray(p.allowedValues) ? p.allowedValues : []).map(str).join(', ')}`,
    `phải là một trong các giá trị ${(Array.isArray(p.allowedValues) ? p.allowedValues : []).map(str).join(', ')}`),
  const: (p) => new Text(`must be ${str(p.allowedValue)}`, `phải là ${str(p.allowedValue)}`),
  minItems: (p) => new Text(`must NOT have fewer than ${str(p.limit)} items`, `cần ít nhất ${str(p.limit)} mục`),
  maxItems: (p) => new Text(`must NOT have more than ${str(p.limit)} items`, `không được quá ${str(p.limit)} mục`),
  uniqueItems: (p) => new Text(`must NOT have duplicate items (items ${str(p.j)} and ${str(p.i)} are identical)`, `không được trùng nhau (mục ${str(p.j)} và ${str(p.i)} giống nhau)`),
  minProperties: (p) => new Text(`must NOT have fewer than ${str(p.limit)} properties`, `cần ít nhất ${str(p.limit)} thuộc tính`),
  maxProperties: (p) => new Text(`must NOT have more than ${str(p.limit)} properties`, `không được quá ${str(p.limit)} thuộc tính`),
  anyOf: () => new Text('does not match any allowed form', 'không khớp với dạng nào được phép'),
  oneOf: () => new Text('must match exactly one allowed form', 'phải khớp đúng một dạng được phép'),
  not: () => new Text('has a form that is not allowed', 'có dạng không được phép'),
  // The service's own checks.
  noControlCharacters: () => new Text('must not contain control characters (such as NUL)', 'không được chứa ký tự điều khiển (như NUL)'),
  wellFormedUnicode: () => new Text('must be valid Unicode text (it holds a lone surrogate)', 'phải là văn bản Unicode hợp lệ'),
  numberRange: (p) => new Text(`must be a finite number between -${str(p.limit)} and ${str(p.limit)}`, `phải là số trong khoảng -${str(p.limit)} đến ${str(p.limit)}`),
  blank: () => new Text('must not be blank', 'không được để trống'),
  wrong: () => new Text('is wrong', 'không đúng'),
  future: () => new Text('must be in the future', 'phải là thời điểm trong tương lai'),
  unknown: (p) => new Text(`no such ${str(p.what)}`, `không tồn tại${p.value === undefined ? '' : `: ${str(p.value)}`}`),
  duplicate: (p) => new Text(`is given more than once${p.value === undefined ? '' : `: ${str(p.value)}`}`, `bị lặp${p.value === undefined ? '' : `: ${str(p.value)}`}`)
}

/** The message of a keyword with its params; an unknown keyword keeps the validator's own (English) message in both. */
export function keywordMessage (keyword: string | undefined, params: Params = {}, fallback = 'is invalid'): Text {
  const make = keyword === undefined ? undefined : keywords[keyword]
  return make ? make(params) : new Text(fallback, fallback === 'is invalid' ? 'không hợp lệ' : fallback)
}

/** Whether the table says this keyword (tests check every keyword the service raises is in it). */
export const knownKeyword = (keyword: string): boolean => keyword in keywords

/** A field problem the service finds itself (beyond the schema), said by its keyword, or by its own text. */
export function fieldProblem<W extends 'body' | 'querystring' | 'params'> (where: W, pointer: string, keyword: string, params: Params = {}, message?: Text) {
  return { in: where, pointer, keyword, params, message: message ?? keywordMessage(keyword, params) }
}

/** A validation failure's detail: every field problem, in each language. */
export function fieldProblemsText (errors: ReadonlyArray<{ in: string, pointer: string, message: Text }>): Text {
  return joinTexts(errors.map((e) => new Text(`${e.in}${e.pointer === '/' ? '' : e.pointer} ${e.message.en}`,
    `${e.pointer === '/' ? 'Nội dung' : e.pointer}: ${e.message.vi}`)), '; ')
}

/** The pointer a JSON Schema error is about: the missing or unknown property itself, else the value that failed. */
export function errorPointer (error: { keyword: string, instancePath: string, params: Record<string, unknown> }): string {
  if (error.keyword === 'required') return `${error.instancePath}/${String(error.params.missingProperty)}`
  if (error.keyword === 'additionalProperties') return `${error.instancePath}/${String(error.params.additionalProperty)}`
  return error.instancePath
}
