// Where the public results page lives, for links to it from the app: /ket-qua/ as the service serves it,
// /admin/ket-qua/ under the Vite dev server (which serves the app's folder).
export const PUBLIC_PAGE = import.meta.env.DEV ? '/admin/ket-qua/' : '/ket-qua/'

/** The public page of a round's published results for a unit type; `version` for one that is not the latest. */
export function publicResultsAddress (roundCode: string, unitType: string, version?: number): string {
  return `${PUBLIC_PAGE}${encodeURIComponent(roundCode)}/${encodeURIComponent(unitType)}${version === undefined ? '' : `?version=${version}`}`
}
