import { Button, Card, Col, Descriptions, Empty, Input, Row, Skeleton, Space, Tag, Tree, Typography } from 'antd';
import { EditOutlined } from '@ant-design/icons';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { orgApi } from '../api/org';
import type { DivisionNode } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { CreateButton } from '../components/CreateButton';
import { findDivision } from '../components/DivisionTreeSelect';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageTitle } from '../components/PageTitle';
import { divisionsRef } from '../hooks/useReference';
import { useRequest } from '../hooks/useRequest';
import { useI18n } from '../i18n';
import { DivisionFormModal, type DivisionModalState } from './DivisionFormModal';

interface TreeNode {
  key: string;
  title: React.ReactNode;
  children: TreeNode[];
}

/** Keeps the nodes matching `q` and their ancestors. */
function filterTree(nodes: DivisionNode[], q: string): DivisionNode[] {
  if (!q) return nodes;
  const out: DivisionNode[] = [];
  for (const n of nodes) {
    const kids = filterTree(n.children ?? [], q);
    if (n.name.includes(q) || n.code.startsWith(q) || kids.length) out.push({ ...n, children: kids });
  }
  return out;
}

const levelColor: Record<string, string> = { province: 'red', city: 'volcano', county: 'gold', township: 'green', village: 'cyan' };

export default function DivisionsPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const canManage = can('org.division.manage');
  const { data, loading, error, reload } = useRequest(() => orgApi.divisionTree(), []);
  const [q, setQ] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [modal, setModal] = useState<DivisionModalState>(null);

  const nodes = useMemo(() => data?.items ?? [], [data]);
  const treeData = useMemo(() => {
    const conv = (list: DivisionNode[]): TreeNode[] =>
      list.map((n) => ({
        key: n.code,
        title: (
          <span data-testid="division-node" data-code={n.code}>
            {n.name} <Typography.Text type="secondary" style={{ fontSize: 12 }}>{n.code}</Typography.Text>
          </span>
        ),
        children: conv(n.children ?? []),
      }));
    return conv(filterTree(nodes, q.trim()));
  }, [nodes, q]);

  const node = selected ? findDivision(nodes, selected) : undefined;

  const afterSave = (code: string) => {
    setModal(null);
    divisionsRef.invalidate();
    setSelected(code);
    reload();
  };

  return (
    <div data-testid="page-divisions">
      <PageTitle
        title={t('division.title')}
        extra={
          canManage && (
            <CreateButton onClick={() => setModal({ mode: 'create', parentCode: node?.code })} testId="division-create">
              {node ? t('division.createChild') : t('division.create')}
            </CreateButton>
          )
        }
      />
      {error && <ErrorAlert error={error} onRetry={reload} />}
      <Row gutter={16}>
        <Col xs={24} md={10} lg={9}>
          <Card>
            <Input.Search allowClear placeholder={t('division.search')} onChange={(e) => setQ(e.target.value)} style={{ marginBottom: 12 }} />
            {loading && !data ? (
              <Skeleton active />
            ) : treeData.length ? (
              <Tree
                key={q}
                treeData={treeData}
                defaultExpandAll={!!q.trim() || nodes.length < 5}
                selectedKeys={selected ? [selected] : []}
                onSelect={(keys) => setSelected(keys.length ? String(keys[0]) : null)}
                style={{ maxHeight: 'calc(100vh - 280px)', overflow: 'auto' }}
                data-testid="division-tree"
              />
            ) : (
              <Empty description={t('division.empty')} />
            )}
          </Card>
        </Col>
        <Col xs={24} md={14} lg={15}>
          <Card
            title={node ? node.name : t('division.title')}
            extra={
              node &&
              canManage && (
                <Button icon={<EditOutlined />} onClick={() => setModal({ mode: 'rename', node })} data-testid="division-rename">
                  {t('division.rename')}
                </Button>
              )
            }
          >
            {node ? (
              <Space orientation="vertical" style={{ width: '100%' }}>
                <Descriptions
                  column={1}
                  bordered
                  size="small"
                  items={[
                    { key: 'code', label: t('division.code'), children: <Typography.Text code>{node.code}</Typography.Text> },
                    { key: 'name', label: t('division.name'), children: node.name },
                    { key: 'level', label: t('division.level'), children: <Tag color={levelColor[node.level]}>{t(`level.${node.level}`)}</Tag> },
                    {
                      key: 'parent',
                      label: t('division.parent'),
                      children: node.parentCode ? (findDivision(nodes, node.parentCode)?.name ?? node.parentCode) : t('division.noParent'),
                    },
                    { key: 'children', label: t('division.children'), children: node.children?.length ?? 0 },
                  ]}
                />
                {can('org.department.read') && (
                  <Link to={`/org/departments?divisionCode=${encodeURIComponent(node.code)}`}>{t('division.viewDepartments')}</Link>
                )}
              </Space>
            ) : (
              <Empty description={t('division.select')} />
            )}
          </Card>
        </Col>
      </Row>
      <DivisionFormModal state={modal} tree={nodes} onClose={() => setModal(null)} onSaved={afterSave} />
    </div>
  );
}
