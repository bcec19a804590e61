import { redirect } from '@sveltejs/kit'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = ({ locals }) => {
  // Reading a flash removes it: the handle's commit writes the session without it.
  return { notice: locals.session.getFlash('notice') ?? null }
}

export const actions: Actions = {
  logout: ({ locals }) => {
    // Commit expires the session cookie, on the redirect below.
    locals.session.destroy()
    redirect(303, '/')
  },
}
