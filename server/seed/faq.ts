/**
 * The demo FAQ seeded on a fresh install (see `seedDemoFaq` in store/sql/faq-store.ts): the
 * same 17 questions of an online shop in Chinese and in English, in the categories orders,
 * delivery, returns, refunds, payment, account, invoices and complaints. Ids are stable
 * (`demo-<language>-<topic>`): the FAQ test set names its expected entries by them.
 */
import type { NewFaqEntry } from '../domain/ports/faq';

/** A demo entry: a new entry with its stable id and phrasings given. */
export type DemoFaqEntry = Required<Pick<NewFaqEntry, 'id' | 'question' | 'phrasings' | 'answer' | 'language' | 'category'>>;

const zh = (topic: string, category: string, question: string, phrasings: string[], answer: string): DemoFaqEntry => ({
  id: `demo-zh-${topic}`,
  question,
  phrasings,
  answer,
  language: 'zh-CN',
  category,
});
const en = (topic: string, category: string, question: string, phrasings: string[], answer: string): DemoFaqEntry => ({
  id: `demo-en-${topic}`,
  question,
  phrasings,
  answer,
  language: 'en',
  category,
});

export const DEMO_FAQ: readonly DemoFaqEntry[] = [
  // ---------------------------------------------------------------- 中文
  zh(
    'order-status',
    'orders',
    '我的订单现在到哪了？怎么查物流？',
    ['怎么查看订单状态', '查询物流进度', '快递单号在哪里看', '包裹现在在哪里'],
    '登录后进入「我的订单」，点开订单即可看到状态和快递单号；发货后物流信息一般在 24 小时内更新，点击单号可查看快递公司的实时轨迹。',
  ),
  zh(
    'cancel-order',
    'orders',
    '下单后可以取消订单吗？',
    ['怎么取消订单', '不想要了能取消吗', '拍错了怎么取消', '已付款的订单如何取消'],
    '订单发货前可以在「我的订单」里直接取消，款项会原路退回。已经发货的订单无法取消，请在收到后申请退货。',
  ),
  zh(
    'change-address',
    'orders',
    '下单后可以修改收货地址吗？',
    ['地址填错了怎么办', '怎么改收货人电话', '想换一个收货地址', '修改订单地址'],
    '发货前可以在订单详情里点击「修改地址」；如果按钮不可用，说明订单已进入仓库处理，请尽快联系在线客服，我们会尽量帮您拦截修改。',
  ),
  zh(
    'shipping-time',
    'delivery',
    '下单后多久发货？多久能送到？',
    ['什么时候发货', '几天能到', '发货时间是多久', '一直没发货怎么回事', '配送需要几天'],
    '现货商品在付款后 48 小时内发货，预售商品以商品页标注的时间为准。发货后一般 1–3 天送达，偏远地区 3–7 天。',
  ),
  zh(
    'shipping-fee',
    'delivery',
    '运费怎么算？包邮吗？',
    ['邮费多少钱', '满多少包邮', '偏远地区运费', '快递费谁出'],
    '单笔订单满 99 元全国包邮（港澳台及海外除外），不满 99 元收取 8 元运费；新疆、西藏等偏远地区另加 10 元。',
  ),
  zh(
    'not-received',
    'delivery',
    '物流显示已签收，但我没有收到包裹怎么办？',
    ['快递显示签收了但我没收到', '包裹丢了怎么办', '快递被别人签收了', '物流好几天没更新'],
    '请先确认家人、门卫、快递柜或驿站是否代收。如仍未找到，请在签收后 48 小时内联系客服并提供订单号，我们会与快递公司核实，确认丢件后为您补发或退款。',
  ),
  zh(
    'return',
    'returns',
    '怎么申请退货？',
    ['七天无理由退货怎么操作', '不想要了可以退吗', '退货流程是什么', '退货地址是哪里', '退货运费谁承担'],
    '签收后 7 天内，商品未使用、包装完好即可申请无理由退货：在「我的订单」中选择商品，点击「申请售后」→「退货退款」，审核通过后按页面上的地址寄回。无理由退货的寄回运费由您承担，质量问题由我们承担。',
  ),
  zh(
    'exchange',
    'returns',
    '尺码不合适可以换货吗？',
    ['怎么换货', '衣服小了想换大一码', '可以换颜色吗', '换货流程'],
    '签收后 15 天内可以换尺码或颜色（同款有库存时）：在订单中点击「申请售后」→「换货」并选择新规格，我们收到退件后 2 个工作日内发出新商品。',
  ),
  zh(
    'damaged',
    'returns',
    '收到的商品有质量问题或者破损怎么办？',
    ['东西坏了怎么办', '收到的货是坏的', '发错货了', '少发了一件', '商品有瑕疵'],
    '很抱歉给您带来不便。请在签收后 48 小时内在订单中申请售后，并上传商品和外包装的照片。核实后我们会为您免费换新、补发或全额退款，来回运费由我们承担。',
  ),
  zh(
    'refund-time',
    'refunds',
    '退款多久能到账？',
    ['退款什么时候到', '退款进度怎么查', '钱退到哪里了', '申请退款后一直没收到钱'],
    '退款审核通过后原路退回：支付宝、微信一般 1–3 个工作日到账，银行卡 3–7 个工作日。可在「售后详情」中查看退款进度。',
  ),
  zh(
    'payment-methods',
    'payment',
    '支持哪些付款方式？',
    ['可以用微信支付吗', '能用支付宝付款吗', '支持信用卡吗', '可以分期付款吗', '支持货到付款吗'],
    '支持支付宝、微信支付、银联储蓄卡和信用卡；单笔满 600 元可使用花呗或信用卡分期。暂不支持货到付款。',
  ),
  zh(
    'payment-failed',
    'payment',
    '付款失败或者重复扣款怎么办？',
    ['付款不成功', '钱扣了但订单显示未付款', '被扣了两次钱', '支付一直失败'],
    '付款失败时请检查余额或额度后重新支付，也可以换一种付款方式。如果已扣款但订单仍显示未付款，或被重复扣款，系统会在 24 小时内自动退回多扣的款项；超过 24 小时仍未退回，请联系客服并提供扣款截图。',
  ),
  zh(
    'reset-password',
    'account',
    '忘记密码怎么办？',
    ['怎么重置密码', '登录不了账号', '密码错误登不上去', '收不到验证码'],
    '在登录页点击「忘记密码」，通过绑定的手机号接收验证码即可重置。如果收不到验证码，请检查短信是否被拦截，或 60 秒后重新获取。',
  ),
  zh(
    'change-phone',
    'account',
    '怎么更换绑定的手机号？',
    ['手机号换了怎么办', '修改绑定手机号码', '原来的号码停用了', '怎么修改账号信息'],
    '进入「账户设置」→「安全中心」→「更换手机号」，验证原手机号后绑定新号码。原号码已停用的，可选择「原号码无法接收验证码」，上传身份证明申请人工更换。',
  ),
  zh(
    'invoice',
    'invoices',
    '怎么开发票？',
    ['可以开发票吗', '需要开增值税专用发票', '电子发票在哪里下载', '下单时忘记开发票了'],
    '下单时在结算页选择「开具发票」并填写抬头和税号，订单完成后电子发票会发到您的邮箱，也可以在订单详情里下载。下单时没选的，可在订单完成后 30 天内在订单详情中补开。需要增值税专用发票请联系客服。',
  ),
  zh(
    'invoice-fix',
    'invoices',
    '发票信息填错了可以重开吗？',
    ['发票抬头写错了', '税号填错了怎么办', '换开发票', '发票要改成公司抬头'],
    '可以。在订单详情的发票栏点击「申请换开」，填写正确的抬头或税号；原发票作废后，新发票会在 3 个工作日内重新发到您的邮箱。每个订单可换开一次。',
  ),
  zh(
    'complaint',
    'complaints',
    '我要投诉，怎么反馈？',
    ['对客服的服务不满意', '投诉快递员', '怎么投诉商家', '我要给差评'],
    '非常抱歉让您有不好的体验。您可以在「我的」→「意见反馈」提交投诉，或在这里直接告诉我们订单号和经过，客服主管会在 24 小时内联系您处理。',
  ),

  // ---------------------------------------------------------------- English
  en(
    'order-status',
    'orders',
    'Where is my order?',
    ['How can I track my order?', 'Track my package', 'Where do I find my tracking number?', 'Check the status of my order'],
    "Sign in and open My orders: each order shows its status and, once shipped, a tracking number. Tracking usually updates within 24 hours of dispatch; click the number to follow the parcel on the carrier's site.",
  ),
  en(
    'cancel-order',
    'orders',
    'Can I cancel my order?',
    ['How do I cancel an order?', 'I ordered the wrong thing', 'I changed my mind about my order', 'Cancel my purchase'],
    "You can cancel from My orders until the order ships; the payment is refunded to your original payment method. Once it has shipped it can't be cancelled, but you can return it when it arrives.",
  ),
  en(
    'change-address',
    'orders',
    'Can I change my delivery address after placing an order?',
    ['I entered the wrong address', 'Update the shipping address on my order', 'Send my order to a different address'],
    'Before dispatch, open the order and choose Change address. If the option is greyed out, the order is already being packed: contact us straight away and we will try to redirect it.',
  ),
  en(
    'shipping-time',
    'delivery',
    'When will my order ship and how long does delivery take?',
    ['How long does shipping take?', 'When will I receive my order?', "My order hasn't shipped yet", 'Delivery times', 'Do you offer express delivery?'],
    'In-stock items ship within 2 business days. Standard delivery takes 3–5 business days; express delivery (1–2 business days) is available at checkout.',
  ),
  en(
    'shipping-fee',
    'delivery',
    'How much does shipping cost?',
    ['Do you offer free shipping?', 'What are the delivery charges?', 'Shipping fees', 'Is there a minimum order for free delivery?'],
    'Standard shipping is free on orders over $50; below that it costs $5.95. Express delivery costs $12.95 whatever the order value.',
  ),
  en(
    'not-received',
    'delivery',
    "My tracking says delivered but I haven't received my package",
    ['My parcel is lost', 'Package marked as delivered but not here', 'My order never arrived', "Tracking hasn't updated for days"],
    "Please check with neighbours, your building's reception and any safe place the courier may have used. If it still hasn't turned up 48 hours after the delivery scan, contact us with your order number: we'll open a claim with the carrier and send a replacement or refund you.",
  ),
  en(
    'return',
    'returns',
    'How do I return an item?',
    ['What is your return policy?', 'Can I send something back?', 'Start a return', 'Who pays for return shipping?'],
    'You can return unused items in their original packaging within 30 days of delivery. Go to My orders, choose Return item and print the prepaid label. Return shipping is free for faulty items; otherwise $4.95 is deducted from your refund.',
  ),
  en(
    'exchange',
    'returns',
    'Can I exchange an item for a different size or colour?',
    ["The size doesn't fit", 'Swap for another size', 'Exchange a product', "It's too small or too big"],
    'Yes, within 30 days, if the new size or colour is in stock: in My orders choose Exchange and pick the new option. We ship the replacement as soon as the carrier scans the original.',
  ),
  en(
    'damaged',
    'returns',
    'My item arrived damaged or faulty',
    ['I received a broken product', 'The product is defective', 'I received the wrong item', 'Something is missing from my order'],
    "We're sorry about that. Within 14 days of delivery, open the order, choose Report a problem and add a photo of the item and the packaging. We'll send a replacement or a full refund, and you won't pay any shipping.",
  ),
  en(
    'refund-time',
    'refunds',
    'How long does a refund take?',
    ['When will I get my money back?', "I haven't received my refund", 'Refund status', 'Where is my refund?'],
    'We issue the refund within 2 business days of receiving your return. Card refunds then take 3–5 business days to appear on your statement; PayPal refunds are usually immediate.',
  ),
  en(
    'payment-methods',
    'payment',
    'What payment methods do you accept?',
    ['Can I pay with PayPal?', 'Do you take American Express?', 'Can I pay with Apple Pay?', 'Do you offer pay later or instalments?'],
    'We accept Visa, Mastercard, American Express, PayPal, Apple Pay and Google Pay. Orders over $100 can be split into 4 interest-free instalments with Klarna at checkout.',
  ),
  en(
    'payment-failed',
    'payment',
    'My payment failed or I was charged twice',
    ['My card was declined', "Payment didn't go through", 'I was charged but have no order', 'Double charge on my card'],
    'If a payment is declined, check the card details and billing address, or try another method. If you were charged but see no order, or charged twice, the extra amount is a pending authorisation that your bank releases within 3–5 business days. If it is still there after that, send us a screenshot of your statement.',
  ),
  en(
    'reset-password',
    'account',
    'I forgot my password',
    ['How do I reset my password?', "I can't log in to my account", 'Password reset email not received', 'Locked out of my account'],
    "Click Forgot password on the sign-in page and enter your email: we'll send a reset link valid for 1 hour. If it doesn't arrive within a few minutes, check your spam folder.",
  ),
  en(
    'change-email',
    'account',
    'How do I change the email address on my account?',
    ['Update my email', 'Change my phone number', 'Edit my account details', 'Change the name on my account'],
    'Go to Account settings → Personal details, edit your email or phone number, and confirm with the code we send to the new address.',
  ),
  en(
    'invoice',
    'invoices',
    'How do I get an invoice for my order?',
    ['Can I get a VAT invoice?', 'Download invoice', 'I need a receipt for my purchase', 'Where can I find my invoice?'],
    'A PDF invoice is emailed when your order ships, and you can download it any time from the order page in My orders. For a VAT invoice, add your company name and VAT number in Account settings before ordering.',
  ),
  en(
    'invoice-fix',
    'invoices',
    'Can you correct the details on my invoice?',
    ['The company name on my invoice is wrong', 'Add my VAT number to an invoice', 'Change the billing address on an invoice', 'Reissue an invoice'],
    "Yes: open the order, choose Request invoice correction and enter the right details. We'll email the corrected invoice within 3 business days.",
  ),
  en(
    'complaint',
    'complaints',
    'How do I make a complaint?',
    ["I'm not happy with the service", 'I want to speak to a manager', 'Complain about a delivery driver', 'Leave feedback'],
    "We're sorry we let you down. Tell us here what happened, with your order number, or write to complaints@example.com: a team lead will reply within 1 business day.",
  ),
];
