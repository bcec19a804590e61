/**
 * 'iron-fetch-session/header': the seal in a request header, for clients without cookies.
 *
 *   import { headerTransport } from 'iron-fetch-session/header'
 *   createSessions({ password, header: headerTransport('authorization') })
 *
 * Its own entry point, so its code is bundled only by the apps that use it.
 *
 * @module iron-fetch-session/header
 */
export { headerTransport, type HeaderTransport } from './core/header.ts'
