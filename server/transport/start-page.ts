/** The page at `/` until the demo storefront lands: what runs here and where. Static text only. */
export function renderStartPage(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>LiveSupport server · 在线客服服务器</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1f2328}code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}li{margin:.3rem 0}</style>
</head>
<body>
<main aria-labelledby="title">
<h1 id="title">LiveSupport is running · 在线客服已启动</h1>
<p>The chat server is up. This page lists what it offers; the demo store with the widget is at <a href="/">/</a>.</p>
<p lang="zh-CN">聊天服务器已启动。本页列出服务器提供的接口；带客服小部件的演示商店在 <a href="/">首页</a>。</p>
<section aria-labelledby="endpoints"><h2 id="endpoints">Endpoints · 接口</h2>
<ul>
<li><a href="/"><code>GET /</code></a> — demo storefront with the widget · 演示商店（含客服小部件）</li>
<li><a href="/widget.js"><code>GET /widget.js</code></a> — the embeddable widget · 可嵌入的客服小部件</li>
<li><a href="/healthz"><code>GET /healthz</code></a> — health as JSON · 健康状态（JSON）</li>
<li><a href="/metrics"><code>GET /metrics</code></a> — Prometheus metrics · Prometheus 指标</li>
<li><code>POST /api/v1/auth/login</code> — agent and lead login: <code>{ email, password }</code> → <code>{ token }</code> · 坐席与组长登录</li>
<li><code>/api/v1/users</code>, <code>/api/v1/conversations</code>, <code>/api/v1/canned-replies</code>, <code>/api/v1/faq</code> — team, transcripts, canned replies, FAQ (see docs/protocol.md §9) · 团队、会话记录、快捷回复、常见问题</li>
<li><a href="/console"><code>GET /console</code></a> — the agent console · 坐席工作台</li>
<li><code>GET /api/v1/me</code> — the logged-in user (<code>Authorization: Bearer &lt;token&gt;</code>) · 当前用户</li>
<li>Socket.IO namespace <code>/visitor</code> — shoppers · 访客</li>
<li>Socket.IO namespace <code>/agent</code> — agents and leads · 坐席与组长</li>
</ul></section>
<p>The protocol is documented in <code>docs/protocol.md</code> · 协议文档见 <code>docs/protocol.md</code>。</p>
</main>
</body></html>`;
}
