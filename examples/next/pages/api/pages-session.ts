/**
 * Pages Router API route, on Node's req/res: getIronSession(req, res, options).
 * GET answers the session; POST counts a visit in it (signed-in users only).
 */
import type { NextApiRequest, NextApiResponse } from 'next'
import { getIronSession } from 'iron-fetch-session/iron-session'
import { sessionOptions, type SessionData } from '@/lib/session'

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const session = await getIronSession<SessionData>(req, res, sessionOptions)
  res.setHeader('Cache-Control', 'private, no-store')
  if (req.method === 'POST') {
    if (!session.isLoggedIn) return res.status(401).json({ error: 'sign in first' })
    session.apiVisits = (session.apiVisits ?? 0) + 1
    await session.save() // sets the cookie on res before the body is sent
  } else if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET, POST')
    return res.status(405).json({ error: 'method not allowed' })
  }
  res.status(200).json({ isLoggedIn: session.isLoggedIn ?? false, username: session.username ?? null, apiVisits: session.apiVisits ?? 0 })
}
