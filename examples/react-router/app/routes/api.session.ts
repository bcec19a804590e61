import type { LoaderFunctionArgs } from 'react-router'
import { sessionContext } from '../session.server'

/** GET /api/session: who is signed in, as the server reads the cookie. */
export async function loader({ context }: LoaderFunctionArgs) {
  const session = context.get(sessionContext)
  return Response.json({ user: session.data.user ?? null, isNew: session.isNew })
}
