import type { PageServerLoad } from './$types'

// Reached only when signed in: the signedInOnly handle in hooks.server.ts redirects everyone else.
export const load: PageServerLoad = ({ locals }) => ({ signedInAt: new Date(locals.session.data.signedInAt ?? 0).toISOString() })
