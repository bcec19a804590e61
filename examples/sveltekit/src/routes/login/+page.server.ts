import { fail, redirect } from '@sveltejs/kit'
import { DEMO_USER } from '$lib/session'
import type { Actions } from './$types'

export const actions: Actions = {
  default: async ({ request, locals }) => {
    const form = await request.formData()
    const username = String(form.get('username') ?? '')
    if (username !== DEMO_USER.username || form.get('password') !== DEMO_USER.password) {
      return fail(400, { username, error: 'Wrong username or password.' })
    }
    // A new id and seal at sign-in, against session fixation.
    locals.session.regenerateId()
    locals.session.set('user', { username, name: DEMO_USER.name })
    locals.session.set('signedInAt', Date.now())
    locals.session.flash('notice', `Welcome, ${DEMO_USER.name}!`)
    // The redirect response gets the session cookie: the handle commits on whatever resolve() returns.
    redirect(303, '/')
  },
}
