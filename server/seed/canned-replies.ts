/**
 * Demo canned replies seeded on a fresh install, in Chinese and English, so the composer's
 * `/` picker is useful at once. They are team replies marked `demo`; a lead removes them all
 * with `DELETE /api/v1/canned-replies/demo`.
 */
import type { NewCannedReply } from '../domain/ports/canned-replies';

export const DEMO_CANNED_REPLIES: Omit<NewCannedReply, 'ownerId' | 'demo'>[] = [
  {
    shortcut: 'hello',
    title: 'Greeting',
    body: 'Hi {visitor.name}, this is {agent.name}. How can I help you today?',
    language: 'en',
    tags: ['greeting'],
  },
  {
    shortcut: 'refund',
    title: 'Refund timeline',
    body: 'Once we receive the returned item, the refund goes back to your original payment method within 3–5 business days.',
    language: 'en',
    tags: ['refund', 'returns'],
  },
  {
    shortcut: 'return',
    title: 'How to return an item',
    body: 'You can return any item within 30 days: open "My orders", choose the order and click "Return", then follow the shipping instructions.',
    language: 'en',
    tags: ['returns'],
  },
  {
    shortcut: 'tracking',
    title: 'Where is my order',
    body: 'You can follow your parcel under "My orders" → "Track". Orders usually arrive 2–4 days after shipping.',
    language: 'en',
    tags: ['delivery'],
  },
  {
    shortcut: 'bye',
    title: 'Closing',
    body: 'Thanks for chatting with us, {visitor.name}! If you need us again, quote reference {conversation.id}.',
    language: 'en',
    tags: ['closing'],
  },
  {
    shortcut: '你好',
    title: '问候',
    body: '{visitor.name}您好，我是客服{agent.name}，很高兴为您服务，请问有什么可以帮您？',
    language: 'zh-CN',
    tags: ['问候'],
  },
  {
    shortcut: '退货',
    title: '退货流程',
    body: '收到商品后7天内可申请无理由退货：在“我的订单”中选择订单，点击“申请退货”，按提示寄回即可。',
    language: 'zh-CN',
    tags: ['退货', '售后'],
  },
  {
    shortcut: '退款',
    title: '退款到账时间',
    body: '我们收到退回的商品后，退款将在3–5个工作日内原路退回到您的支付账户。',
    language: 'zh-CN',
    tags: ['退款', '售后'],
  },
  {
    shortcut: '物流',
    title: '查询物流',
    body: '您可以在“我的订单”→“查看物流”中跟踪包裹，一般发货后2–4天送达。',
    language: 'zh-CN',
    tags: ['物流'],
  },
  {
    shortcut: '再见',
    title: '结束语',
    body: '感谢您的咨询，祝您购物愉快！如需再次联系，请提供会话编号 {conversation.id}。',
    language: 'zh-CN',
    tags: ['结束'],
  },
];
