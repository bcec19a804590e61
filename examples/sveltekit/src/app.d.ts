// The session the handle in hooks.server.ts puts on event.locals, typed for every load, action and endpoint.
import type { Session } from 'iron-fetch-session/sveltekit'
import type { Flash, SessionData } from '$lib/session'

declare global {
  namespace App {
    interface Locals {
      session: Session<SessionData, Flash>
    }
  }
}

export {}
