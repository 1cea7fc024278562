// A real SMTP server in the test's process (smtp-server from npm): it keeps every message it receives, to be read back.
import { SMTPServer } from 'smtp-server'
import { freePort } from './net.js'

interface Teardown { teardown: (fn: () => unknown) => void }

export interface ReceivedMail { from: string, to: string[], raw: string, subject: string, text: string }

export interface SmtpPeer {
  url: string
  received: ReceivedMail[]
  /** The mails received so far for one address. */
  mailsTo: (address: string) => ReceivedMail[]
  /** Refuses the next `count` messages with a temporary failure (451), as a mail server that is down for a moment. */
  refuse: (count: number) => void
}

/** Decodes a header or a body part nodemailer wrote as quoted-printable or base64 (it does for Vietnamese). */
function decodeWords (value: string): string {
  return value.replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_all, kind: string, text: string) => kind.toUpperCase() === 'B'
    ? Buffer.from(text, 'base64').toString('utf8')
    : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'))
}

function parse (raw: string): { subject: string, text: string } {
  const split = raw.indexOf('\r\n\r\n')
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ')
  let body = raw.slice(split + 4)
  const subject = decodeWords(/^Subject: (.*)$/mi.exec(head)?.[1] ?? '')
  const encoding = /^Content-Transfer-Encoding: (.*)$/mi.exec(head)?.[1]?.trim().toLowerCase()
  if (encoding === 'quoted-printable') {
    body = Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8')
  } else if (encoding === 'base64') {
    body = Buffer.from(body, 'base64').toString('utf8')
  }
  return { subject, text: body }
}

export async function startSmtp (t: Teardown): Promise<SmtpPeer> {
  const received: ReceivedMail[] = []
  let refusals = 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData (stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (refusals > 0) {
          refusals--
          callback(Object.assign(new Error('Hệ thống thư tạm thời không nhận thư'), { responseCode: 451 }))
          return
        }
        const raw = Buffer.concat(chunks).toString('utf8')
        received.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((to) => to.address),
          raw,
          ...parse(raw)
        })
        callback()
      })
    }
  })
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    mailsTo: (address) => received.filter((mail) => mail.to.includes(address)),
    refuse: (count) => { refusals = count }
  }
}

/** An app's settings to run the job queue in the test, polling often, sending e-mail to `smtpUrl` when given. */
export function jobsConfig (smtpUrl?: string) {
  return {
    JOBS_ENABLED: true,
    // Each test runs the jobs when it chooses: a scheduled run at the turn of a minute would take the work it counts.
    JOBS_SCHEDULE: false,
    JOBS_POLL_SECONDS: 0.5,
    ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}),
    MAIL_FROM: 'Chỉ số CCHC <cchc@thanhhoa.gov.vn>',
    APP_PUBLIC_URL: 'https://chamdiem.thanhhoa.gov.vn'
  }
}
