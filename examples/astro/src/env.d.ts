/// <reference types="astro/client" />

// What the session holds, and the flash values a request passes to the next one. Not named SessionData:
// inside `namespace App` that name is App.SessionData, the type of Astro's own sessions (Astro.session).
type AppSessionData = { user: string }
type AppFlash = { notice: string }

// `Astro.locals.session` and `context.locals.session`, typed. This file stays a script (no top-level
// import or export), so `App` here is Astro's global namespace: the type comes in through import().
declare namespace App {
  interface Locals {
    session: import('iron-fetch-session/astro').Session<AppSessionData, AppFlash>
  }
}
