export interface User {
  username: string
  name: string
}

/** The session data of the h3 and Elysia examples. */
export type Data = { user?: User; visits?: number }
/** Their flash messages. */
export type Flash = { notice?: string }

export declare const DEMO_USER: { username: string; password: string; name: string }
export declare function signIn(form: FormData): User | undefined
export declare function crossSite(request: Request): boolean
export declare function page(
  view: { framework: string; user?: User | undefined; visits?: number; notice?: string | undefined; error?: string; username?: string },
  status?: number,
): Response
