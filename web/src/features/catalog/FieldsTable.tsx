import { Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useI18n } from '../../i18n';
import { rowProps } from '../../utils/testid';
import type { EntryContent, EntryField } from './api';
import { label, OpenTag, ShareTag } from './labels';

/** The fields (信息项) of an entry with their effective share / open attributes and personal / sensitive marks. */
export function FieldsTable({ content }: { content: EntryContent }) {
  const { t } = useI18n();
  const columns: TableColumnsType<EntryField & { i: number }> = [
    { title: '#', dataIndex: 'i', width: 48, render: (v: number) => v + 1 },
    { title: t('catalog.field.name'), dataIndex: 'name', width: 180 },
    { title: t('catalog.field.englishName'), dataIndex: 'englishName', width: 150, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    { title: t('catalog.field.dataType'), dataIndex: 'dataType', width: 100, render: (v: string) => label(t, 'dataType', v) },
    { title: t('catalog.field.length'), dataIndex: 'length', width: 70, render: (v?: number) => v ?? '—' },
    {
      title: t('catalog.field.personal'),
      key: 'marks',
      width: 160,
      render: (_v, f) => (
        <Space size={[0, 4]} wrap>
          {f.personal && <Tag color="purple">{t('catalog.detail.personalTag')}</Tag>}
          {f.sensitive && <Tag color="magenta">{t('catalog.detail.sensitiveTag')}</Tag>}
          {f.base && <Tag color="geekblue">{t('catalog.detail.baseTag')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('catalog.field.shareType'),
      key: 'share',
      width: 160,
      render: (_v, f) => (
        <Space size={4}>
          <ShareTag type={f.shareType ?? content.share.type} />
          {f.shareType && (
            <Tooltip title={f.shareConditions}>
              <Tag bordered={false}>{t('catalog.field.override')}</Tag>
            </Tooltip>
          )}
        </Space>
      ),
    },
    { title: t('catalog.field.openType'), key: 'open', width: 130, render: (_v, f) => <OpenTag type={f.openType ?? content.open.type} /> },
    { title: t('catalog.field.legalBasis'), dataIndex: 'legalBasis', width: 220, render: (v?: string) => v ?? '' },
    { title: t('catalog.field.description'), dataIndex: 'description', width: 200, render: (v?: string) => v ?? '' },
  ];
  return (
    <Table<EntryField & { i: number }>
      rowKey="i"
      size="small"
      columns={columns}
      dataSource={content.fields.map((f, i) => ({ ...f, i }))}
      pagination={false}
      scroll={{ x: 1400 }}
      onRow={(f) => rowProps(`field-row-${f.i}`, { 'data-english-name': f.englishName })}
      data-testid="catalog-fields"
    />
  );
}
