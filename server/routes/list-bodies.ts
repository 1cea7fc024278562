// Long lists written from each item's JSON, kept by the item: a round's progress and gap report at 10,000 units are
// 8–11 MB, and their services give back the very same item objects while nothing an item shows has been written (kept
// answers, services/kept-while-unchanged.ts), so a read again writes only the items that changed. Each item is kept as
// UTF-8 bytes, so an answer is one copy of them into a buffer, with no string of megabytes to build and encode; the
// same items again give the same buffer, whose gzip is then made once (sendJsonBytes in cached-views.ts).
import { schemaSerializer } from '../serializers.js'

const COMMA = Buffer.from(',')
/** Bodies a writer remembers (an admin's list, each appraiser's), to give the same buffer for the same items. */
const RECENT_BODIES = 4

interface Body { items: readonly object[], before: string, after: string, bytes: Buffer }

/**
 * A writer of JSON arrays of items of `itemSchema` (which names no shared schema) between `before` and `after`, each
 * item written once.
 */
export function listWriter<T extends object> (itemSchema: object): (items: readonly T[], before?: string, after?: string) => Buffer {
  const serialize = schemaSerializer(itemSchema)
  const written = new WeakMap<T, Buffer>()
  const recent: Body[] = []
  const same = (body: Body, items: readonly T[], before: string, after: string) =>
    body.before === before && body.after === after && body.items.length === items.length && body.items.every((item, i) => item === items[i])
  return (items, before = '', after = '') => {
    const found = recent.findIndex((body) => same(body, items, before, after))
    if (found >= 0) {
      const [body] = recent.splice(found, 1) as [Body]
      recent.push(body)
      return body.bytes
    }
    const parts: Buffer[] = [Buffer.from(`${before}[`)]
    for (const [i, item] of items.entries()) {
      let bytes = written.get(item)
      if (bytes === undefined) written.set(item, bytes = Buffer.from(serialize(item)))
      if (i > 0) parts.push(COMMA)
      parts.push(bytes)
    }
    parts.push(Buffer.from(`]${after}`))
    const bytes = Buffer.concat(parts)
    recent.push({ items: [...items], before, after, bytes })
    if (recent.length > RECENT_BODIES) recent.shift()
    return bytes
  }
}
