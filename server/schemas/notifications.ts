// The API contract of notifications, their e-mail opt-outs and the job queue's summary.
import { Type } from 'typebox'
import { notificationKinds } from '../domain/notifications.js'
import { JOB_QUEUES } from '../db/job-queue.js'
import { PageQuery, ref, registerShared } from './common.js'

export const NotificationKindSchema = Type.Enum([...notificationKinds], { $id: 'NotificationKind', description: 'What the notification tells of' })

export const NotificationSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: ref(NotificationKindSchema),
  title: Type.String(),
  body: Type.String(),
  link: Type.String({ description: 'Path in the web app (under /admin/) it leads to' }),
  roundId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  unitId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  readAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
}, { $id: 'Notification' })

export const NotificationPageSchema = Type.Object({
  items: Type.Array(ref(NotificationSchema)),
  total: Type.Integer(),
  unread: Type.Integer({ description: 'Unread notifications of the caller, whatever the page' }),
  limit: Type.Integer(),
  offset: Type.Integer()
}, { $id: 'NotificationPage' })

export const NotificationQuery = Type.Intersect([PageQuery, Type.Object({
  unread: Type.Optional(Type.Boolean({ description: 'Only the unread ones' }))
})])

export const MarkReadSchema = Type.Object({
  ids: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 500, description: 'The notifications to mark read; absent = all of the caller\'s' }))
}, { $id: 'MarkNotificationsRead', additionalProperties: false })

export const MarkedSchema = Type.Object({ marked: Type.Integer(), unread: Type.Integer() }, { $id: 'NotificationsMarked' })

export const NotificationPreferencesSchema = Type.Object({
  email: Type.Union([Type.String(), Type.Null()], { description: 'The address e-mails go to (set on the account); null = no e-mails' }),
  emailOptOuts: Type.Array(ref(NotificationKindSchema), { uniqueItems: true, description: 'Kinds the caller receives in the app only, without an e-mail' }),
  kinds: Type.Array(ref(NotificationKindSchema), { description: 'The kinds the caller\'s role receives (the ones worth a setting)' })
}, { $id: 'NotificationPreferences' })

export const UpdateNotificationPreferencesSchema = Type.Object({
  emailOptOuts: Type.Array(ref(NotificationKindSchema), { uniqueItems: true, maxItems: notificationKinds.length }),
  email: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 200 }), Type.Null()], { description: 'The caller\'s own address for e-mails (null: none); absent: unchanged' }))
}, { $id: 'UpdateNotificationPreferences', additionalProperties: false })

export const JobQueueSummarySchema = Type.Object({
  name: Type.Enum([...JOB_QUEUES]),
  cron: Type.Union([Type.String(), Type.Null()], { description: 'When it runs by itself (cron, Asia/Ho_Chi_Minh)' }),
  queued: Type.Integer({ description: 'Jobs waiting (new or to be retried)' }),
  active: Type.Integer(),
  failed: Type.Integer({ description: 'Jobs failed after their last retry, still kept' }),
  lastCompletedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastFailedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()])
}, { $id: 'JobQueueSummary' })

export const JobSummarySchema = Type.Object({
  running: Type.Boolean({ description: 'Whether the instance that answered runs the workers: JOBS_ENABLED, and the queue started (false while its start has failed, until an attempt to start again, a minute apart at most, succeeds; the log says why)' }),
  queues: Type.Array(ref(JobQueueSummarySchema)),
  mail: Type.Object({ pending: Type.Integer(), sent: Type.Integer(), failed: Type.Integer(), skipped: Type.Integer() }, { description: 'Notification e-mails by status' })
}, { $id: 'JobSummary' })

registerShared(NotificationKindSchema, NotificationSchema, NotificationPageSchema, MarkReadSchema, MarkedSchema, NotificationPreferencesSchema,
  UpdateNotificationPreferencesSchema, JobQueueSummarySchema, JobSummarySchema)
