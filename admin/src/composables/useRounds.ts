// Assessment rounds (kỳ đánh giá): the list by year and status, newest year first, and creating a round.
import { reactive } from 'vue'
import { call, client } from '../api/client'
import type { CreateRound, Round, RoundStatus } from '../api/types'
import { usePagedList } from './usePagedList'

export const ROUNDS_PAGE_SIZE = 50

export function useRounds () {
  const filters = reactive({ year: '', status: '' as '' | RoundStatus })
  const { offset, list, search, goTo } = usePagedList((start) => {
    const year = Number.parseInt(filters.year, 10)
    return call(client.GET('/rounds', {
      params: {
        query: {
          limit: ROUNDS_PAGE_SIZE,
          offset: start,
          year: Number.isInteger(year) ? year : undefined,
          status: filters.status || undefined
        }
      }
    }))
  })

  async function create (input: CreateRound): Promise<Round> {
    return call(client.POST('/rounds', { body: input }))
  }

  return { filters, offset, list, search, goTo, create }
}
