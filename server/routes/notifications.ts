// The caller's own notifications and e-mail opt-outs (every user role), and the job queue's summary (admins).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { roles } from '../domain/roles.js'
import { Errors } from '../errors.js'
import { noSuch } from '../messages/problems.js'
import { actorOf } from '../plugins/auth.js'
import { IdParams, problems, ref } from '../schemas/common.js'
import {
  JobSummarySchema, MarkedSchema, MarkReadSchema, NotificationPageSchema, NotificationPreferencesSchema, NotificationQuery, NotificationSchema,
  UpdateNotificationPreferencesSchema
} from '../schemas/notifications.js'
import { jobSummary } from '../services/jobs/summary.js'
import { listNotifications, markNotificationRead, markNotificationsRead, notificationPreferences, setNotificationPreferences } from '../services/notifications/inbox.js'

const everyUser = { roles, note: 'Each user sees and changes only their own.' } as const

/** The logged-in user's id (the access rule lets no API key in). */
function userIdOf (request: FastifyRequest): string {
  const principal = actorOf(request).principal
  if (principal?.kind !== 'user') throw Errors.forbidden(noSuch.notification)
  return principal.id
}

const notificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/me/notifications', {
    config: { access: everyUser },
    schema: {
      operationId: 'listMyNotifications',
      summary: 'My notifications, unread first',
      tags: ['notifications'],
      querystring: NotificationQuery,
      response: { 200: ref(NotificationPageSchema), ...problems(400, 401, 403) }
    }
  }, async (request) => listNotifications(app.db, userIdOf(request), request.query))

  app.post('/me/notifications/:id/read', {
    config: { access: everyUser },
    schema: {
      operationId: 'markMyNotificationRead',
      summary: 'Mark one of my notifications read',
      tags: ['notifications'],
      params: IdParams,
      response: { 200: ref(NotificationSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    const notification = await markNotificationRead(app.db, userIdOf(request), request.params.id)
    if (!notification) throw Errors.notFound(noSuch.notification)
    return notification
  })

  app.post('/me/notifications/read', {
    config: { access: everyUser },
    schema: {
      operationId: 'markMyNotificationsRead',
      summary: 'Mark my notifications read: the given ones, or all',
      tags: ['notifications'],
      body: ref(MarkReadSchema),
      response: { 200: ref(MarkedSchema), ...problems(400, 401, 403) }
    }
  }, async (request) => markNotificationsRead(app.db, userIdOf(request), request.body.ids))

  app.get('/me/notification-preferences', {
    config: { access: everyUser },
    schema: {
      operationId: 'getMyNotificationPreferences',
      summary: 'The kinds of notification I receive in the app only, without e-mail',
      tags: ['notifications'],
      response: { 200: ref(NotificationPreferencesSchema), ...problems(401, 403) }
    }
  }, async (request) => notificationPreferences(app.db, userIdOf(request)))

  app.put('/me/notification-preferences', {
    config: { access: everyUser },
    schema: {
      operationId: 'setMyNotificationPreferences',
      summary: 'Choose the kinds of notification I receive without e-mail, and my own e-mail address',
      tags: ['notifications'],
      body: ref(UpdateNotificationPreferencesSchema),
      response: { 200: ref(NotificationPreferencesSchema), ...problems(400, 401, 403) }
    }
  }, async (request) => setNotificationPreferences(app.db, actorOf(request), userIdOf(request), request.body))

  app.get('/jobs', {
    config: { access: { roles: ['admin'] } },
    schema: {
      operationId: 'getJobSummary',
      summary: 'The job queue: per queue the jobs waiting, running and failed, the last run and the schedule; e-mails by status',
      tags: ['jobs'],
      response: { 200: ref(JobSummarySchema), ...problems(401, 403) }
    }
  }, async () => {
    // Right after a start, the queue may still be starting (its schedules written then): the summary waits for it.
    await app.jobs.started.catch(() => undefined)
    return { running: app.jobs.running, ...await jobSummary(app.db) }
  })
}

export default notificationRoutes
