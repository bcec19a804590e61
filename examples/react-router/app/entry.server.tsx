/**
 * The server entry: renders each document whole (onAllReady) and answers with it. Given here rather
 * than React Router's default so the example needs no package.json of its own (the default is picked
 * from a package.json's dependencies).
 */
import { PassThrough } from 'node:stream'
import { createReadableStreamFromReadable } from '@react-router/node'
import { renderToPipeableStream } from 'react-dom/server'
import { ServerRouter, type EntryContext } from 'react-router'

/** How long React Router waits for deferred data; rendering is cut off a second later. */
export const streamTimeout = 5_000

export default function handleRequest(request: Request, responseStatus: number, responseHeaders: Headers, routerContext: EntryContext): Promise<Response> {
  return new Promise((resolve, reject) => {
    let status = responseStatus
    const { pipe, abort } = renderToPipeableStream(<ServerRouter context={routerContext} url={request.url} />, {
      onAllReady() {
        const body = new PassThrough()
        responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
        resolve(new Response(createReadableStreamFromReadable(body), { status, headers: responseHeaders }))
        pipe(body)
      },
      onShellError: reject,
      onError(error) {
        status = 500
        console.error(error)
      },
    })
    setTimeout(abort, streamTimeout + 1_000).unref()
  })
}
