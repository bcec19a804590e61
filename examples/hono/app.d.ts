// Types for app.js, so the TypeScript tests can import the example as it is.
import type { Hono } from 'hono'
import type { SessionOptions, SessionStore } from 'iron-fetch-session'

export interface ExampleAppOptions {
  /** At least 32 random characters. */
  password: string
  /** The session cookies' Secure attribute. Default: NODE_ENV === 'production'. */
  secure?: boolean
  /** Keep sessions in this store (an unstorage Storage); the cookie then holds a sealed id. */
  store?: SessionStore
  /** Instead of a store: the data stays in the cookie, and sign-outs are kept in a store (`revocable({ store, lag? })`). */
  revocations?: SessionOptions['revocations']
}

/** The demo account shown on the sign-in page. */
export declare const DEMO_USER: { readonly username: string; readonly password: string; readonly name: string }

/** The most items the cart takes (they fit in 3 of the 4 cookies `chunk: true` allows). */
export declare const MAX_CART_ITEMS: number

/** Builds the example app; serve it with `serve({ fetch: app.fetch })`, or drive it with `app.request()`. */
export declare function createApp(options: ExampleAppOptions): Hono
