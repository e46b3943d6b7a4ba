/**
 * The demo storefront at `/`: a plausible product page with the widget snippet,
 * the host-page API in use, and hostile CSS the widget must shrug off.
 * Static text only; the page script is served separately (CSP forbids inline scripts).
 */
export function renderDemoPage(): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>竹韵茶具 · Bamboo Tea Set — Demo Store</title>
<link rel="stylesheet" href="/demo.css">
<script src="/demo.js"></script>
<script src="/widget.js" data-greeting="您好！有什么可以帮您？ Hi! How can we help?" async></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/">茶舍 Tea House</a>
  <nav aria-label="Store"><a href="/">首页 Home</a> <a href="/">茶具 Tea sets</a> <a href="/">茶叶 Tea</a> <a href="/">购物车 Cart (0)</a></nav>
</header>
<main>
  <section class="product" aria-labelledby="product-title">
    <div class="photo" role="img" aria-label="Bamboo tea set photo · 茶具照片"><svg viewBox="0 0 120 90" width="240" height="180" aria-hidden="true"><ellipse cx="60" cy="80" rx="56" ry="8" fill="#b08d57"/><path d="M30 40h50c0 22-10 36-25 36S30 62 30 40z" fill="#6b8f71"/><path d="M80 46c12-2 16 10 6 16" stroke="#6b8f71" stroke-width="5" fill="none"/><path d="M30 48c-10-4-14-12-18-16" stroke="#6b8f71" stroke-width="5" fill="none"/><rect x="45" y="32" width="20" height="8" rx="3" fill="#557a5b"/><circle cx="97" cy="70" r="8" fill="#6b8f71"/><circle cx="18" cy="70" r="8" fill="#6b8f71"/></svg></div>
    <div class="info">
      <p class="crumbs">茶具 / Tea sets</p>
      <h1 id="product-title">竹韵手工茶具套装 · Handmade Bamboo Tea Set</h1>
      <p class="price">¥ 368.00 <s>¥ 428.00</s></p>
      <p>一壶四杯，手工竹编托盘，适合 2–4 人品茶。A teapot, four cups and a woven bamboo tray, for two to four people.</p>
      <ul>
        <li>材质：陶瓷、竹 · Ceramic and bamboo</li>
        <li>发货：48 小时内 · Ships within 48 hours</li>
        <li>七天无理由退货 · 7-day returns, no questions asked</li>
      </ul>
      <p><a class="cta" href="#" id="add-to-cart">加入购物车 · Add to cart</a>
         <a class="ask" href="#" id="ask">咨询客服 · Ask about this product</a></p>
      <p class="hint">订单号 Order: <strong id="order">A-20261125-0042</strong> (sent to the agent as page context)</p>
    </div>
  </section>
  <section class="about" aria-labelledby="about-demo">
    <h2 id="about-demo">About this demo · 关于本演示</h2>
    <p>This page embeds the support widget with one script tag. It also carries hostile CSS (huge root font size, <code>all: unset</code> on the widget element, hidden buttons) to show that the widget is isolated in a shadow root.
    本页用一个 script 标签嵌入了客服小部件，并带有“恶意”样式，以展示小部件的样式隔离。</p>
    <p><a href="/server">Server endpoints · 服务器接口</a> · <a href="/healthz">Health</a> · <a href="/metrics">Metrics</a></p>
  </section>
</main>
</body>
</html>`;
}

/** Styles of the demo store, ending with the hostile rules a real theme might carry. */
export const DEMO_CSS = `
body{margin:0;font-family:Georgia,"Songti SC","SimSun",serif;color:#2b2118;background:#faf6ef}
.top{display:flex;justify-content:space-between;align-items:center;padding:12px 24px;background:#3d5a3a;color:#fff}
.top a{color:#fff;margin-left:16px;text-decoration:none}.brand{font-weight:bold;margin:0!important}
main{max-width:980px;margin:24px auto;padding:0 16px}
.product{display:flex;gap:32px;flex-wrap:wrap}.photo{flex:1 1 300px;min-height:300px;background:#e8dcc6;display:flex;align-items:center;justify-content:center;border-radius:8px}
.info{flex:1 1 360px}.price{font-size:1.6em;color:#a0401c}.price s{font-size:.6em;color:#888}
.cta,.ask{display:inline-block;padding:.6em 1.2em;border-radius:6px;text-decoration:none;margin:4px 8px 4px 0}
.cta{background:#a0401c;color:#fff}.ask{border:1px solid #3d5a3a;color:#3d5a3a}
.hint,.crumbs{color:#6b5d4f;font-size:.85em}.about{margin-top:40px;border-top:1px solid #d8cbb5}

/* Hostile rules: the widget must look and work the same with them. */
html{font-size:22px!important;line-height:3}
button{display:none!important}
live-support-widget,live-support-widget *{all:unset}
textarea,input{font-size:40px!important;color:red!important}
*{letter-spacing:.02em}
`;

/** The demo page's script: the pre-load stub and the host-page API. */
export const DEMO_JS = `
window.LiveSupport = window.LiveSupport || function () { (LiveSupport.q = LiveSupport.q || []).push(arguments); };
LiveSupport('setContext', { orderNumber: 'A-20261125-0042', product: 'Bamboo Tea Set' });
document.addEventListener('DOMContentLoaded', function () {
  document.getElementById('ask').addEventListener('click', function (e) { e.preventDefault(); LiveSupport('open'); });
  document.getElementById('add-to-cart').addEventListener('click', function (e) { e.preventDefault(); this.textContent = '已加入 · Added ✓'; });
});
`;
