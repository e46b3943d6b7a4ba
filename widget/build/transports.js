// engine.io-client's transport table for the widget bundle: WebSocket only.
import { WS } from 'engine.io-client/build/esm/transports/websocket.js';

export const transports = { websocket: WS };
