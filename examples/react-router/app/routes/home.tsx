import { Form, Link, useLoaderData, type LoaderFunctionArgs } from 'react-router'
import { sessionContext } from '../session.server'

export async function loader({ context }: LoaderFunctionArgs) {
  const session = context.get(sessionContext)
  // getFlash reads the notice once: the middleware's commit then drops it from the cookie.
  return { user: session.data.user ?? null, notice: session.getFlash('notice') ?? null }
}

export default function Home() {
  const { user, notice } = useLoaderData<typeof loader>()
  return (
    <main>
      <h1>iron-fetch-session with React Router</h1>
      {notice && (
        <p id="notice" role="status">
          {notice}
        </p>
      )}
      {user ? (
        <>
          <p>
            Signed in as <strong id="user">{user.name}</strong>.
          </p>
          <Form method="post" action="/logout">
            <button type="submit">Sign out</button>
          </Form>
        </>
      ) : (
        <p>
          You are signed out. <Link to="/login">Sign in</Link>
        </p>
      )}
    </main>
  )
}
