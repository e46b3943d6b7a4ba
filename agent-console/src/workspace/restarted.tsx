/** The short notice after a reconnect that found the server restarted: what was restored. */
import type { Locale } from '../i18n';

const strings = {
  en: {
    restarted: 'The server restarted. Your status and your chats were restored.',
    dismiss: 'Dismiss',
  },
  zhCN: {
    restarted: '服务器已重启，您的状态和会话均已恢复。',
    dismiss: '知道了',
  },
};

export function RestartedBanner({ locale, onDismiss }: { locale: Locale; onDismiss(): void }) {
  const t = locale === 'zh-CN' ? strings.zhCN : strings.en;
  return (
    <p class="banner" role="status">
      {t.restarted}{' '}
      <button type="button" onClick={onDismiss}>
        {t.dismiss}
      </button>
    </p>
  );
}
