// The rule for passwords people choose (new accounts, resets, changes): at least 10 characters (spaces padding either
// end not counted), not the username, not the current password, and hard to guess by a maintained estimator (zxcvbn-ts
// with its common-password dictionaries, minimum score 3 of 4). Refusals say why (in Vietnamese or English). Passwords an operator sets at start (ADMIN_PASSWORD,
// DEMO_PASSWORD) are the operator's: a weak one is only warned about.
import { createRequire } from 'node:module'
import type { ZxcvbnFactory } from '@zxcvbn-ts/core'
import { Errors, type AppError } from '../errors.js'
import { Text } from '../messages/text.js'
import { fieldProblem } from '../messages/validation.js'

export const MIN_PASSWORD_LENGTH = 10
export const MIN_PASSWORD_SCORE = 3

// The estimator and its dictionaries are built at the first password checked, not at start (they took 0.3 s of it).
const load = createRequire(import.meta.url)
let estimator: ZxcvbnFactory | undefined
function estimatorOf (): ZxcvbnFactory {
  if (!estimator) {
    const { ZxcvbnFactory: Factory } = load('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core')
    const common = load('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common')
    const english = load('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en')
    estimator = new Factory({ dictionary: { ...common.dictionary, ...english.dictionary }, graphs: common.adjacencyGraphs })
  }
  return estimator
}

/** Words of the service any guesser tries first. */
const SERVICE_WORDS = ['cchc', 'chiso', 'thanhhoa', 'sonoivu', 'noivu', 'matkhau', 'par', 'admin', 'quantri']

export interface PasswordContext {
  username: string
  displayName?: string | null
  /** The current password, when changing one's own. */
  current?: string
}

/** Why the password is refused, in both languages; null when it is acceptable. */
export function passwordWeakness (password: string, context: PasswordContext): Text | null {
  // Spaces inside a phrase count; spaces padding it at either end do not ("          Xy7#kq  " is six characters).
  if ([...password.trim()].length < MIN_PASSWORD_LENGTH) {
    return new Text(`The password must have at least ${MIN_PASSWORD_LENGTH} characters, not counting spaces at its start or end.`,
      `Mật khẩu phải có ít nhất ${MIN_PASSWORD_LENGTH} ký tự, không tính khoảng trắng ở đầu và cuối.`)
  }
  const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/gi, 'd').toLowerCase().replace(/[^a-z0-9]/g, '')
  if (fold(password) === fold(context.username) || password.toLowerCase().includes(context.username.toLowerCase())) {
    return new Text('The password must not be or contain the username.', 'Mật khẩu không được trùng hoặc chứa tên đăng nhập.')
  }
  if (context.current !== undefined && password === context.current) return new Text('The new password must differ from the current one.', 'Mật khẩu mới phải khác mật khẩu hiện tại.')
  const inputs = [context.username, ...(context.displayName ? context.displayName.split(/\s+/) : []), ...SERVICE_WORDS]
  const estimate = estimatorOf().check(password, inputs.map(fold).filter(Boolean))
  if (estimate.score < MIN_PASSWORD_SCORE) {
    return new Text('The password is too easy to guess (a common password, keys in a row, repeats or based on a name). ' +
      'Use a phrase of several words, or mix capitals, small letters, digits and symbols.',
    'Mật khẩu quá dễ đoán (mật khẩu phổ biến, dãy phím liền nhau, lặp lại hoặc dựa vào tên). ' +
      'Hãy dùng một cụm nhiều từ hoặc trộn chữ hoa, chữ thường, chữ số và ký hiệu.')
  }
  return null
}

/** Throws a 400 naming the field when the password breaks the rule. */
export function assertStrongPassword (password: string, context: PasswordContext, pointer: string): void {
  const weakness = passwordWeakness(password, context)
  if (weakness) throw weakPassword(weakness, pointer)
}

function weakPassword (reason: Text, pointer: string): AppError {
  return Errors.weakPassword(reason, { errors: [fieldProblem('body', pointer, 'weakPassword', {}, reason)] })
}
