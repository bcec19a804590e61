// Types for store.js, so the TypeScript tests can import it as it is.
import type { Storage } from 'unstorage'

/** The store SESSION_STORE names: undefined (unset), memory, fs:<directory> or a redis:// URL (connected before it resolves). */
export declare function createStore(spec: string | undefined): Promise<Storage | undefined>
