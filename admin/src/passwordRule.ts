// The password rule as the server applies it (server/services/password-policy.ts), said before a form is sent.
export const PASSWORD_MIN_LENGTH = 10

export const PASSWORD_HINT = `Ít nhất ${PASSWORD_MIN_LENGTH} ký tự, khó đoán: không dùng tên đăng nhập hay mật khẩu phổ biến.`

/** The checkbox's text beside a password an admin gives someone. */
export const TEMPORARY_PASSWORD_LABEL = 'Mật khẩu tạm: người dùng phải đổi mật khẩu ngay khi đăng nhập lần đầu'
