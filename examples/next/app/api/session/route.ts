/** App Router route handler: GET /api/session answers the session as JSON. */
import { cookies } from 'next/headers'
import { getIronSession } from 'iron-fetch-session/iron-session'
import { sessionOptions, type SessionData } from '@/lib/session'

export async function GET() {
  const session = await getIronSession<SessionData>(await cookies(), sessionOptions)
  return Response.json(
    { isLoggedIn: session.isLoggedIn ?? false, username: session.username ?? null, apiVisits: session.apiVisits ?? 0 },
    { headers: { 'Cache-Control': 'private, no-store' } }, // one user's session: never cached for another
  )
}
