import { Button, Input, Progress, Space, Tooltip } from 'antd';
import { ThunderboltOutlined } from '@ant-design/icons';
import type { FormRule as Rule } from 'antd';
import { useT, type TFunction } from '../i18n';
import { checkPassword, generatePassword, passwordStrength } from '../utils/password';

/** Form rules for a new password under the platform policy. */
export function passwordRules(t: TFunction, requiredKey: Parameters<TFunction>[0] = 'pwd.newRequired'): Rule[] {
  return [
    { required: true, message: t(requiredKey) },
    {
      validator: async (_r, value: string | undefined) => {
        if (!value) return;
        const p = checkPassword(value);
        if (p === 'tooShort') throw new Error(t('pwd.tooShort'));
        if (p === 'tooSimple') throw new Error(t('pwd.tooSimple'));
      },
    },
  ];
}

interface Props {
  value?: string;
  onChange?: (v: string) => void;
  /** Offer a "generate" button and show the value in clear (for passwords an admin hands over). */
  generator?: boolean;
  testId?: string;
  autoComplete?: string;
  id?: string;
  /** Show the strength bar (for new passwords). */
  strength?: boolean;
}

/** A password input with a strength bar; with `generator`, a one-click random policy-compliant value. */
export function PasswordField({ value, onChange, generator, testId, id, strength: showStrength = true, autoComplete = 'new-password' }: Props) {
  const t = useT();
  const strength = value && showStrength ? passwordStrength(value) : -1;
  const colors = ['#cf1322', '#d48806', '#389e0d'];
  const labels = [t('pwd.weak'), t('pwd.medium'), t('pwd.strong')];
  const input = generator ? (
    <Input
      value={value}
      onChange={(e) => onChange?.(e.target.value)}
      autoComplete="off"
      id={id}
      data-testid={testId}
      style={{ fontFamily: 'monospace' }}
    />
  ) : (
    <Input.Password id={id} value={value} onChange={(e) => onChange?.(e.target.value)} autoComplete={autoComplete} data-testid={testId} />
  );
  return (
    <div>
      {generator ? (
        <Space.Compact style={{ width: '100%' }}>
          {input}
          <Tooltip title={t('common.generate')}>
            <Button icon={<ThunderboltOutlined />} onClick={() => onChange?.(generatePassword())} data-testid={testId ? `${testId}-generate` : undefined}>
              {t('common.generate')}
            </Button>
          </Tooltip>
        </Space.Compact>
      ) : (
        input
      )}
      {strength >= 0 && (
        <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginTop: 4 }}>
          <span style={{ fontSize: 12, color: '#8c8c8c', whiteSpace: 'nowrap' }}>{t('pwd.strength')}</span>
          <Progress
            percent={[33, 66, 100][strength]}
            steps={3}
            size={[28, 6]}
            strokeColor={colors[strength]}
            showInfo={false}
          />
          <span style={{ fontSize: 12, color: colors[strength] }}>{labels[strength]}</span>
        </div>
      )}
    </div>
  );
}
