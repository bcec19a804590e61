// The app's augmentation of h3's event context (docs-draft/h3.md): event.context.session typed with the
// example's Data and Flash. app.js is plain JavaScript, so it lives here, referenced from there.
import type { Session } from 'iron-fetch-session/h3'
import type { Data, Flash } from '../shared/sign-in.js'

declare module 'h3' {
  interface H3EventContext {
    session: Session<Data, Flash>
  }
}
