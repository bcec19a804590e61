import { data, Form, redirect, useActionData, type ActionFunctionArgs, type LoaderFunctionArgs } from 'react-router'
import { DEMO_USER } from '../demo-user'
import { sessionContext } from '../session.server'

export async function loader({ context }: LoaderFunctionArgs) {
  if (context.get(sessionContext).data.user) throw redirect('/')
  return null
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData()
  if (form.get('username') !== DEMO_USER.username || form.get('password') !== DEMO_USER.password) {
    return data({ error: 'Wrong username or password.' }, { status: 401 })
  }
  const session = context.get(sessionContext)
  session.set('user', { username: DEMO_USER.username, name: DEMO_USER.name })
  // A new seal (a new id, with a store or revocations) at sign-in, against session fixation.
  session.regenerateId()
  session.flash('notice', `Welcome, ${DEMO_USER.name}! You are signed in.`)
  // The redirect carries the cookie: the middleware commits on every response but a 5xx.
  throw redirect('/')
}

export default function Login() {
  const result = useActionData<typeof action>()
  return (
    <main>
      <h1>Sign in</h1>
      <p>
        The demo account: <code>{DEMO_USER.username}</code> / <code>{DEMO_USER.password}</code>.
      </p>
      {result?.error && (
        <p id="error" role="alert">
          {result.error}
        </p>
      )}
      <Form method="post">
        <label>
          Username <input name="username" autoComplete="username" required />
        </label>
        <label>
          Password <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit">Sign in</button>
      </Form>
    </main>
  )
}
