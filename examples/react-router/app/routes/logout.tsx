import { redirect, type ActionFunctionArgs } from 'react-router'
import { sessionContext } from '../session.server'

export async function action({ context }: ActionFunctionArgs) {
  const session = context.get(sessionContext)
  // Expires the cookie; the flash alone goes in a short-lived new one, dropped once read.
  session.destroy()
  session.flash('notice', 'You have been signed out.')
  return redirect('/')
}

export async function loader() {
  return redirect('/')
}
