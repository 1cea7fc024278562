// Who works in the service: the roles of user accounts and the read scopes of API keys, listed once; the API's enums,
// the access rules of every route and the services take them from here.

/** Sở Nội vụ admins, members of the Tổ thẩm định, each unit's CCHC officer, and read-only viewers. */
export const roles = ['admin', 'appraiser', 'unit_officer', 'viewer'] as const
export type Role = typeof roles[number]

/**
 * Who reads draft catalogs: the staff who prepare them (admins) or review them before they are published (viewers,
 * the appraisal team). Unit officers and API keys read published catalogs only.
 */
export const draftCatalogReaders: readonly Role[] = ['admin', 'appraiser', 'viewer']

/** What an API key of an integrator may read (keys never write). */
export const scopes = ['results:read', 'catalogs:read', 'units:read'] as const
export type Scope = typeof scopes[number]
