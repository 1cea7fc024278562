// Where a webhook may be sent: an http(s) URL without credentials in it; https only unless WEBHOOK_ALLOW_HTTP; and
// never to the service's own network (loopback, private, link-local, shared, multicast addresses, IPv4 or IPv6, also
// as IPv4-mapped IPv6) unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES. Checked when an endpoint is registered and again at
// each delivery on every address the name resolves to, and the connection goes to the address that was checked.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { BlockList, isIP, type LookupFunction } from 'node:net'

export interface TargetRules { allowHttp: boolean, allowPrivate: boolean }

const blocked = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3]
] as const) blocked.addSubnet(network, prefix, 'ipv4')
for (const [network, prefix] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) blocked.addSubnet(network, prefix, 'ipv6')

/** Whether an address is one the service must not call (an IPv4-mapped IPv6 address is judged as its IPv4 one). */
export function isPrivateAddress (address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1]
  if (mapped !== undefined) return blocked.check(mapped, 'ipv4')
  const family = isIP(address)
  return family === 4 ? blocked.check(address, 'ipv4') : family === 6 ? blocked.check(address, 'ipv6') : true
}

/** Why the URL cannot be a webhook target (in English and Vietnamese), or null when it can. */
export function refuseTarget (text: string, rules: TargetRules): { en: string, vi: string } | null {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { en: 'not a valid absolute URL', vi: 'không phải địa chỉ URL đầy đủ hợp lệ' }
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && rules.allowHttp)) {
    return rules.allowHttp ? { en: 'must be http or https', vi: 'phải dùng http hoặc https' } : { en: 'must be https', vi: 'phải dùng https' }
  }
  if (url.username !== '' || url.password !== '') return { en: 'must not carry a user name or password', vi: 'không được chứa tên đăng nhập hay mật khẩu' }
  // A fully qualified name may end with a dot (localhost. is localhost).
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '')
  if (!rules.allowPrivate && (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isPrivateAddress(host)))) {
    return { en: 'must not be a loopback, private or link-local address', vi: 'không được là địa chỉ nội bộ (loopback, mạng riêng, link-local)' }
  }
  return null
}

/**
 * A DNS lookup for http(s).request that refuses a name resolving to any private address, so a name cannot lead the
 * service into its own network (nor switch to such an address after registration): the socket connects to the address
 * checked here.
 */
export function guardedLookup (rules: TargetRules): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0)
      const refused = rules.allowPrivate ? undefined : addresses.find((entry) => isPrivateAddress(entry.address))
      if (refused) return callback(Object.assign(new Error(`${hostname} resolves to ${refused.address}, a private address`), { code: 'EPRIVATEADDRESS' }), '', 0)
      if ((options as { all?: boolean }).all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses)
      const first = addresses[0]!
      callback(null, first.address, first.family)
    })
  }
}
