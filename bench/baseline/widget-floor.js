// The widget floor: the least a chat widget can be with the product's stack (Preact in a shadow
// root, socket.io-client over WebSocket only). A launcher opens a panel with a status line, a
// transcript and a composer; the socket connects when the panel opens, to the bare relay named
// by the script's data-server attribute. Built by bench/scenarios/widget.ts the way the product
// widget is built (esbuild, minified IIFE, websocket-only engine.io-client), then gzip -9'd.
// Plain JavaScript: the bench's tsconfig has no DOM or JSX settings.
import { h, render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { io } from 'socket.io-client';

const script = document.currentScript;
const server = (script && script.dataset.server) || location.origin;

function App() {
  const [open, setOpen] = useState(false);
  const [online, setOnline] = useState(false);
  const [messages, setMessages] = useState([]);
  const [draft, setDraft] = useState('');
  const socket = useRef(null);

  useEffect(() => {
    if (!open || socket.current) return;
    const s = io(server, { transports: ['websocket'], auth: { rooms: ['visitor'] } });
    s.on('connect', () => setOnline(true));
    s.on('disconnect', () => setOnline(false));
    s.on('m', (p) => setMessages((m) => [...m, p.text]));
    socket.current = s;
  }, [open]);

  if (!open) return h('button', { type: 'button', 'aria-label': 'Open chat with support', onClick: () => setOpen(true) }, '?');
  const send = (e) => {
    e.preventDefault();
    if (!draft.trim()) return;
    socket.current.emit('m', { to: 'agent', text: draft });
    setMessages((m) => [...m, draft]);
    setDraft('');
  };
  return h(
    'div',
    { role: 'dialog', 'aria-label': 'Chat with us' },
    h('p', { role: 'status' }, online ? 'Online' : 'Connecting…'),
    h('div', { role: 'log', 'aria-label': 'Messages' }, messages.map((t, i) => h('p', { key: i }, t))),
    h(
      'form',
      { onSubmit: send },
      h('textarea', { 'aria-label': 'Type your message', value: draft, onInput: (e) => setDraft(e.currentTarget.value) }),
      h('button', { type: 'submit' }, 'Send'),
    ),
  );
}

function boot() {
  const host = document.createElement('floor-widget');
  const root = host.attachShadow({ mode: 'open' });
  document.body.appendChild(host);
  render(h(App, null), root);
}

if (document.body) boot();
else document.addEventListener('DOMContentLoaded', boot);
