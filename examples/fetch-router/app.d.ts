// Types for app.js, so the TypeScript tests can import the example as it is.

export interface ExampleAppOptions {
  /** At least 32 random characters. */
  password: string
}

/** The router app.js builds: a fetch handler. */
export interface ExampleApp {
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>
}

/** Builds the example's router; serve it with `createRequestListener((request) => app.fetch(request))`. */
export declare function createApp(options: ExampleAppOptions): ExampleApp
