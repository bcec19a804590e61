import { index, route, type RouteConfig } from '@react-router/dev/routes'

export default [
  index('routes/home.tsx'),
  route('login', 'routes/login.tsx'),
  route('logout', 'routes/logout.tsx'),
  // A resource route: the session as JSON, for scripts and tests.
  route('api/session', 'routes/api.session.ts'),
] satisfies RouteConfig
