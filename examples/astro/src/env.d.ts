/// <reference types="astro/client" />

// What the session holds, and the flash values pages pass to the next request.
type SessionData = { user: string }
type SessionFlash = { notice: string }

// `Astro.locals.session` / `context.locals.session`, typed. This file stays a script (no top-level
// import), so `App` is Astro's global namespace: the types come in through import() instead.
declare namespace App {
  interface Locals extends import('iron-fetch-session/astro').SessionLocals<SessionData, SessionFlash> {}
}
