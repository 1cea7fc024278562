// A page of a long list of units (a round's ranking, progress or gap), as limit and offset ask (unitPageQuery).

export interface UnitPageAsked { limit?: number | undefined, offset?: number | undefined }
export interface UnitPagePosition { total: number, limit: number, offset: number }

/** The items of the page asked and where it is in the list; every item and no position when neither is asked. */
export function unitPage<T> (items: T[], asked: UnitPageAsked): { items: T[], page?: UnitPagePosition } {
  if (asked.limit === undefined && asked.offset === undefined) return { items }
  const offset = asked.offset ?? 0
  const limit = asked.limit ?? items.length
  return { items: items.slice(offset, offset + limit), page: { total: items.length, limit, offset } }
}
