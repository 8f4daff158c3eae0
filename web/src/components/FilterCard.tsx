import { Button, Card, Form, Space, type FormInstance } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n';

interface Props<F> {
  form: FormInstance<F>;
  initialValues?: Partial<F>;
  onSearch: (values: F) => void;
  /** Each page clears its own fields (some keep a default, e.g. 含下级区划). */
  onReset: () => void;
  /** data-testid of the form. */
  testId?: string;
  /** data-testid of the search and reset buttons. */
  searchTestId: string;
  resetTestId?: string;
  /** The page's filter fields; the search and reset buttons follow them. */
  children: ReactNode;
}

/** The filter bar above a list: an inline form that searches on submit, with a reset beside it. */
export function FilterCard<F extends object>({ form, initialValues, onSearch, onReset, testId, searchTestId, resetTestId, children }: Props<F>) {
  const { t } = useI18n();
  return (
    <Card style={{ marginBottom: 16 }}>
      <Form<F> form={form} layout="inline" initialValues={initialValues} onFinish={onSearch} style={{ rowGap: 12 }} data-testid={testId}>
        {children}
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" data-testid={searchTestId}>
              {t('common.search')}
            </Button>
            <Button onClick={onReset} data-testid={resetTestId}>
              {t('common.reset')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
    </Card>
  );
}
