/**
 * proxy.ts (Next 16's name for middleware.ts) runs before /protected renders: signed-out
 * visitors are redirected to /. nextProxyCookies reads the request's cookies and writes
 * to the response's, so a session.save() here would reach the browser too.
 */
import { NextResponse, type NextRequest } from 'next/server'
import { getIronSession, nextProxyCookies } from 'iron-fetch-session/iron-session'
import { sessionOptions, type SessionData } from '@/lib/session'

export async function proxy(request: NextRequest) {
  const response = NextResponse.next()
  const session = await getIronSession<SessionData>(nextProxyCookies(request, response), sessionOptions)
  if (!session.isLoggedIn) return NextResponse.redirect(new URL('/', request.url))
  return response
}

export const config = { matcher: ['/protected/:path*'] }
