import { App as AntApp, ConfigProvider, theme } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { BrowserRouter } from 'react-router-dom';
import { AuthProvider } from './auth/AuthContext';
import { I18nProvider, useI18n } from './i18n';
import { AppRoutes } from './routes';

function Themed() {
  const { lang } = useI18n();
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      theme={{
        algorithm: theme.defaultAlgorithm,
        token: { colorPrimary: '#1e50a2', colorLink: '#1e50a2', borderRadius: 4 },
        components: {
          Layout: { siderBg: '#0b1f3f', triggerBg: '#0b1f3f' },
          Menu: { darkItemBg: '#0b1f3f', darkSubMenuItemBg: '#08172f', darkItemSelectedBg: '#1e50a2' },
        },
      }}
    >
      <AntApp>
        <BrowserRouter>
          <AuthProvider>
            <AppRoutes />
          </AuthProvider>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <Themed />
    </I18nProvider>
  );
}
