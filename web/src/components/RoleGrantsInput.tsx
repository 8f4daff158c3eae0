import { Button, Form, Select, Space, Tag } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { RoleGrant, Scope } from '../api/types';
import { useRoles } from '../hooks/useReference';
import { useI18n } from '../i18n';

export const SCOPES: Scope[] = ['department', 'division', 'platform'];
const rank: Record<Scope, number> = { department: 1, division: 2, platform: 3 };

interface Props {
  /** The form field that holds the list (default `roles`). */
  name?: string;
  /** The widest scope the acting admin may grant. */
  maxScope?: Scope;
  testIdPrefix: string;
}

/** Role + scope rows inside an antd Form (a Form.List of `{ role, scope }`). */
export function RoleGrantsInput({ name = 'roles', maxScope = 'platform', testIdPrefix }: Props) {
  const { t, lang } = useI18n();
  const roles = useRoles();
  const roleOptions = (roles ?? []).map((r) => ({ value: r.role, label: lang === 'zh' ? r.zh : r.en, 'data-testid': 'role-option' }));
  const scopeOptions = SCOPES.filter((s) => rank[s] <= rank[maxScope]).map((s) => ({ value: s, label: t(`scope.${s}`) }));
  return (
    <Form.List name={name}>
      {(fields, { add, remove }) => (
        <div data-testid={`${testIdPrefix}-roles`}>
          {fields.map((field, i) => (
            <Space key={field.key} align="baseline" style={{ display: 'flex', marginBottom: 4 }}>
              <Form.Item name={[field.name, 'role']} rules={[{ required: true, message: t('user.roleRequired') }]} style={{ marginBottom: 8 }}>
                <Select
                  options={roleOptions}
                  loading={!roles}
                  placeholder={t('user.role')}
                  style={{ width: 180 }}
                  data-testid={`${testIdPrefix}-role-${i}`}
                />
              </Form.Item>
              <Form.Item name={[field.name, 'scope']} rules={[{ required: true, message: t('user.scopeRequired') }]} style={{ marginBottom: 8 }}>
                <Select options={scopeOptions} placeholder={t('user.scope')} style={{ width: 200 }} data-testid={`${testIdPrefix}-scope-${i}`} />
              </Form.Item>
              <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={t('common.delete')} />
            </Space>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ scope: 'department' })} data-testid={`${testIdPrefix}-add-role`}>
            {t('user.addRole')}
          </Button>
        </div>
      )}
    </Form.List>
  );
}

/** Roles as tags: 「部门管理员 · 本部门」. */
export function RoleTags({ roles }: { roles: RoleGrant[] }) {
  const { t, lang } = useI18n();
  const infos = useRoles();
  if (!roles?.length) return <span style={{ color: '#bfbfbf' }}>—</span>;
  return (
    <Space size={[0, 4]} wrap>
      {roles.map((g) => {
        const info = infos?.find((r) => r.role === g.role);
        const name = info ? (lang === 'zh' ? info.zh : info.en) : g.role;
        const color = g.scope === 'platform' ? 'red' : g.scope === 'division' ? 'gold' : 'blue';
        return (
          <Tag key={`${g.role}:${g.scope}`} color={color}>
            {name} · {t(`scope.${g.scope}`)}
          </Tag>
        );
      })}
    </Space>
  );
}
