// Who sees which screens: each role's landing page and navigation. The server decides what each role may do; this
// only chooses what to show, so a screen a role cannot use is not offered.
import type { Role } from './api/types'

/** The screen each role lands on after logging in (and from "/"). */
export const landingOf: Record<Role, string> = {
  admin: '/',
  viewer: '/',
  unit_officer: '/my-unit',
  appraiser: '/appraisal'
}

export interface NavItem { to: string, label: string, roles: readonly Role[] }

const staff = ['admin', 'viewer'] as const

export const navItems: readonly NavItem[] = [
  { to: '/', label: 'Tổng quan', roles: staff },
  { to: '/my-unit', label: 'Đơn vị của tôi', roles: ['unit_officer'] },
  { to: '/appraisal', label: 'Thẩm định', roles: ['appraiser', ...staff] },
  { to: '/units', label: 'Đơn vị', roles: staff },
  { to: '/catalogs', label: 'Bộ tiêu chí', roles: ['appraiser', ...staff] },
  { to: '/rounds', label: 'Kỳ đánh giá', roles: staff },
  { to: '/results', label: 'Kết quả', roles: ['admin', 'viewer', 'appraiser', 'unit_officer'] },
  { to: '/users', label: 'Người dùng', roles: ['admin'] },
  { to: '/api-keys', label: 'Khóa API', roles: ['admin'] },
  { to: '/webhooks', label: 'Webhook', roles: ['admin'] },
  { to: '/audit', label: 'Nhật ký', roles: ['admin'] }
]
