import type { Config } from '@react-router/dev/config'

export default {
  // Server-rendered: loaders, actions and the session middleware run on the server.
  ssr: true,
  // Route `middleware` exports (React Router 7.9+): the session middleware in app/root.tsx.
  future: { v8_middleware: true },
} satisfies Config
