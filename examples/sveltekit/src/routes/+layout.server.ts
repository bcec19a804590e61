import type { LayoutServerLoad } from './$types'

export const load: LayoutServerLoad = ({ locals, setHeaders }) => {
  // Each page shows who is signed in: never from a shared cache.
  setHeaders({ 'cache-control': 'no-store' })
  return { user: locals.session.data.user ?? null }
}
