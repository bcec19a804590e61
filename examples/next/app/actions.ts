'use server'
/**
 * Server actions: the forms on the home page post here. Each reads the session from
 * `await cookies()`, and `save()` / `destroy()` set the cookie on the action's response.
 */
import { cookies } from 'next/headers'
import { redirect } from 'next/navigation'
import { getIronSession } from 'iron-fetch-session/iron-session'
import { sessionOptions, type SessionData } from '@/lib/session'

export async function signIn(formData: FormData): Promise<void> {
  const username = String(formData.get('username') ?? '').trim()
  // A real app checks a password against its user store here.
  if (username === '' || username.length > 64) redirect('/?error=username')
  const session = await getIronSession<SessionData>(await cookies(), sessionOptions)
  session.username = username
  session.isLoggedIn = true
  await session.save()
  redirect('/')
}

export async function signOut(): Promise<void> {
  const session = await getIronSession<SessionData>(await cookies(), sessionOptions)
  session.destroy() // expires the cookie
  redirect('/')
}
