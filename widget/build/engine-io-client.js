// Stands in for `engine.io-client` in the widget bundle (see esbuild.config.mjs): the exports
// socket.io-client uses, without the package index that pulls in every transport.
// With transports.js, the widget speaks WebSocket only.
// Long-polling and WebTransport would cost about 2.5 KB gzip of the 24 KB budget, for
// browsers and proxies without WebSocket, which storefront shoppers practically never meet.
export { Socket } from 'engine.io-client/build/esm/socket.js';
export { installTimerFunctions } from 'engine.io-client/build/esm/util.js';
export { nextTick } from 'engine.io-client/build/esm/globals.js';
export { parse } from 'engine.io-client/build/esm/contrib/parseuri.js';
// socket.io-client's index re-exports the transport classes; the widget never uses them.
export const Fetch = undefined, NodeXHR = undefined, XHR = undefined, NodeWebSocket = undefined, WebSocket = undefined, WebTransport = undefined;
