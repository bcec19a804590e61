import type { APIRoute } from 'astro'

// POST only: a link (GET) could sign a visitor out from another site.
export const POST: APIRoute = ({ locals, redirect }) => {
  // destroy() expires the cookie; the flash after it is kept as a new session holding only the flash.
  locals.session.destroy()
  locals.session.flash('notice', 'You have been signed out.')
  return redirect('/', 303)
}
