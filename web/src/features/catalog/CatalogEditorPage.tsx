import { Alert, App, Button, Card, Checkbox, Col, Form, Input, InputNumber, Row, Select, Space, Spin, Table, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { isApiError } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { fieldPath, problemText } from '../../components/problem';
import { useRequest } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { rowProps } from '../../utils/testid';
import {
  catalogApi,
  DATA_TYPES,
  FORMATS,
  OPEN_TYPES,
  SHARE_MODES,
  SHARE_TYPES,
  UPDATE_CYCLES,
  type EntryContent,
  type EntryField,
  type ResourceDetail,
} from './api';
import { classificationOptions, label, options, useClassifications } from './labels';

/** What the form holds: the content, with optional parts possibly empty. */
type FormValues = Omit<EntryContent, 'fields'> & { fields: Partial<EntryField>[] };

const EDITABLE = ['draft', 'returned'];
const ENGLISH_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** The top-level names of the form; server field errors under other names are shown in the message. */
const FORM_NAMES = ['classificationCode', 'name', 'providerUnit', 'summary', 'format', 'fields', 'share', 'open', 'updateCycle', 'relatedResourceCodes'];

const blankToUndefined = (s: string | undefined | null) => (s && s.trim() ? s.trim() : undefined);

const newField = (i: number): Partial<EntryField> => ({ englishName: `field_${i + 1}`, dataType: 'string', personal: false, sensitive: false, base: false });

const EMPTY: FormValues = {
  classificationCode: '',
  name: '',
  summary: '',
  format: { kind: 'database' },
  fields: [],
  share: { type: 'unconditional', modes: ['interface', 'exchange'] },
  open: { type: 'closed' },
  updateCycle: 'daily',
  relatedResourceCodes: [],
};

/** The form's values as the API's content: empty optional texts dropped, numbers and flags tidy. */
function toContent(v: FormValues): EntryContent {
  return {
    classificationCode: v.classificationCode,
    name: v.name.trim(),
    providerUnit: blankToUndefined(v.providerUnit),
    summary: v.summary.trim(),
    format: { kind: v.format.kind, detail: blankToUndefined(v.format.detail) },
    fields: (v.fields ?? []).map((f) => ({
      name: (f.name ?? '').trim(),
      englishName: (f.englishName ?? '').trim(),
      dataType: f.dataType ?? 'string',
      length: f.length ?? undefined,
      description: blankToUndefined(f.description),
      personal: !!f.personal,
      sensitive: !!f.sensitive,
      base: f.base || undefined,
      shareType: f.shareType ?? undefined,
      shareConditions: blankToUndefined(f.shareConditions),
      legalBasis: blankToUndefined(f.legalBasis),
      openType: f.openType ?? undefined,
    })),
    share: { type: v.share.type, conditions: blankToUndefined(v.share.conditions), legalBasis: blankToUndefined(v.share.legalBasis), modes: v.share.modes ?? [] },
    open: { type: v.open.type, conditions: blankToUndefined(v.open.conditions) },
    updateCycle: v.updateCycle,
    relatedResourceCodes: v.relatedResourceCodes ?? [],
  };
}

/**
 * The entry editor (编制 / 修改): every element, an editable fields table with per-field share and
 * open attributes, and the share attributes with their legal basis. Saving keeps a draft (which may
 * be incomplete); submitting checks the rules on the server, whose 422 lands on the fields.
 */
export default function CatalogEditorPage() {
  const { id: routeId } = useParams();
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<FormValues>();
  const classifications = useClassifications();
  // A new entry keeps its id after the first save, so that saving again updates it.
  const [savedId, setSavedId] = useState<string | undefined>(routeId);
  const [busy, setBusy] = useState<'save' | 'submit' | null>(null);
  const existing = useRequest(() => catalogApi.get(routeId!), [routeId], !!routeId);
  const entry: ResourceDetail | undefined = existing.data;
  const shareType = Form.useWatch(['share', 'type'], form);

  useEffect(() => {
    if (entry) form.setFieldsValue(entry.version.content as FormValues);
  }, [entry, form]);

  /** The server's field errors on the form's fields (`/body/content/share/legalBasis` and `/body/share/legalBasis` alike). */
  const showErrors = (e: unknown) => {
    if (!isApiError(e)) {
      message.error(problemText(e, lang));
      return;
    }
    const leftover: string[] = [];
    const byName = new Map<string, { name: (string | number)[]; errors: string[] }>();
    for (const f of e.fields) {
      let name = fieldPath(f.field);
      if (name[0] === 'content') name = name.slice(1);
      const text = lang === 'zh' ? (f.messageZh ?? f.message) : f.message;
      const onField = name.length > 0 && FORM_NAMES.includes(String(name[0])) && !(name[0] === 'fields' && name.length < 3);
      if (!onField) {
        leftover.push(text);
        continue;
      }
      const key = name.join('.');
      const item = byName.get(key) ?? { name, errors: [] };
      item.errors.push(text);
      byName.set(key, item);
    }
    form.setFields([...byName.values()] as Parameters<typeof form.setFields>[0]);
    message.error([e.text(lang), ...leftover].join(lang === 'zh' ? '；' : '; '));
  };

  const save = async (andSubmit: boolean) => {
    let values: FormValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(andSubmit ? 'submit' : 'save');
    let id = savedId;
    try {
      const content = toContent(values);
      if (id) await catalogApi.update(id, content);
      else {
        id = (await catalogApi.create(content)).id;
        setSavedId(id);
        window.history.replaceState(window.history.state, '', `/catalog/resources/${id}/edit`);
      }
      if (!andSubmit) {
        message.success(t('catalog.editor.saved'));
        return;
      }
      await catalogApi.submit(id);
      message.success(t('catalog.editor.submitted'));
      navigate(`/catalog/resources/${id}`);
    } catch (e) {
      showErrors(e);
    } finally {
      setBusy(null);
    }
  };

  if (routeId && existing.error) return <ErrorAlert error={existing.error} onRetry={existing.reload} />;
  if (routeId && !entry) return <Spin />;
  const editable = !entry || EDITABLE.includes(entry.status);
  const classificationLocked = !!entry && entry.publishedVersion !== null;
  const required = (key: Parameters<typeof t>[0]) => ({ required: true, message: t('catalog.editor.required', { label: t(key) }) });

  return (
    <div data-testid="page-catalog-editor">
      <PageTitle title={entry ? t('catalog.editor.editTitle', { code: entry.code }) : t('catalog.editor.createTitle')} />
      {!editable && entry && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('catalog.editor.notEditable', { status: label(t, 'status', entry.status) })} />}
      {entry?.status === 'returned' && entry.version.reviewNote && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={`${t('catalog.detail.reviewNote')}：${entry.version.reviewNote}`} />}
      <Form<FormValues> form={form} layout="vertical" initialValues={EMPTY} disabled={!editable} scrollToFirstError>
        <Card title={t('catalog.editor.basics')} style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item name="name" label={t('catalog.name')} rules={[required('catalog.name'), { max: 200 }]}>
                <Input maxLength={200} data-testid="entry-name" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="classificationCode" label={t('catalog.classification')} rules={[required('catalog.classification')]} extra={classificationLocked ? t('catalog.editor.classificationLocked') : undefined}>
                <Select showSearch={{ optionFilterProp: 'label' }} options={classificationOptions(classifications)} disabled={classificationLocked} loading={!classifications} data-testid="entry-classification" />
              </Form.Item>
            </Col>
            <Col xs={24}>
              <Form.Item name="summary" label={t('catalog.summary')} rules={[required('catalog.summary'), { max: 2000 }]}>
                <Input.TextArea rows={3} maxLength={2000} showCount data-testid="entry-summary" />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="providerUnit" label={t('catalog.providerUnit')} rules={[{ max: 100 }]}>
                <Input maxLength={100} data-testid="entry-provider-unit" />
              </Form.Item>
            </Col>
            <Col xs={12} md={4}>
              <Form.Item name={['format', 'kind']} label={t('catalog.format')} rules={[required('catalog.format')]}>
                <Select options={options(t, 'formatKind', FORMATS)} data-testid="entry-format" />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name={['format', 'detail']} label={t('catalog.formatDetail')} rules={[{ max: 200 }]}>
                <Input maxLength={200} data-testid="entry-format-detail" />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="updateCycle" label={t('catalog.updateCycle')} rules={[required('catalog.updateCycle')]}>
                <Select options={options(t, 'cycle', UPDATE_CYCLES)} data-testid="entry-update-cycle" />
              </Form.Item>
            </Col>
            <Col xs={24}>
              <Form.Item
                name="relatedResourceCodes"
                label={t('catalog.related')}
                rules={[{ validator: (_r, v: string[] | undefined) => ((v ?? []).every((c) => /^[0-9]{9}\/[0-9]{6}$/.test(c)) ? Promise.resolve() : Promise.reject(new Error(t('catalog.editor.relatedPlaceholder')))) }]}
              >
                <Select mode="tags" tokenSeparators={[',', ' ', '，']} placeholder={t('catalog.editor.relatedPlaceholder')} open={false} data-testid="entry-related" />
              </Form.Item>
            </Col>
          </Row>
        </Card>
        <Card title={`${t('catalog.share')} / ${t('catalog.open')}`} style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24} md={6}>
              <Form.Item name={['share', 'type']} label={t('catalog.shareType')} rules={[required('catalog.shareType')]}>
                <Select options={options(t, 'shareType', SHARE_TYPES)} data-testid="entry-share-type" />
              </Form.Item>
            </Col>
            <Col xs={24} md={18}>
              <Form.Item name={['share', 'modes']} label={t('catalog.shareModes')}>
                <Checkbox.Group options={options(t, 'mode', SHARE_MODES)} data-testid="entry-share-modes" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name={['share', 'legalBasis']} label={t('catalog.legalBasis')} rules={[{ max: 2000 }]} extra={shareType && shareType !== 'unconditional' ? t('catalog.editor.basisRequired') : undefined}>
                <Input.TextArea rows={2} maxLength={2000} data-testid="entry-legal-basis" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name={['share', 'conditions']} label={t('catalog.shareConditions')} rules={[{ max: 2000 }]} extra={shareType === 'conditional' ? t('catalog.editor.conditionsRequired') : undefined}>
                <Input.TextArea rows={2} maxLength={2000} data-testid="entry-share-conditions" />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item name={['open', 'type']} label={t('catalog.openType')} rules={[required('catalog.openType')]}>
                <Select options={options(t, 'openType', OPEN_TYPES)} data-testid="entry-open-type" />
              </Form.Item>
            </Col>
            <Col xs={24} md={18}>
              <Form.Item name={['open', 'conditions']} label={t('catalog.openConditions')} rules={[{ max: 2000 }]}>
                <Input maxLength={2000} data-testid="entry-open-conditions" />
              </Form.Item>
            </Col>
          </Row>
        </Card>
        <Card title={t('catalog.fields')} style={{ marginBottom: 16 }}>
          <Typography.Paragraph type="secondary">{t('catalog.editor.fieldsHint')}</Typography.Paragraph>
          <Form.List name="fields">
            {(rows, { add, remove }) => (
              <>
                <Table
                  rowKey="key"
                  size="small"
                  pagination={false}
                  dataSource={rows}
                  scroll={{ x: 1700 }}
                  onRow={(r) => rowProps(`entry-field-row-${r.name}`)}
                  columns={[
                    { title: '#', key: 'i', width: 44, render: (_v, r) => r.name + 1 },
                    {
                      title: t('catalog.field.name'),
                      key: 'name',
                      width: 170,
                      render: (_v, r) => (
                        <Form.Item name={[r.name, 'name']} style={{ margin: 0 }} rules={[required('catalog.field.name'), { max: 100 }]}>
                          <Input maxLength={100} data-testid={`entry-field-name-${r.name}`} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('catalog.field.englishName'),
                      key: 'englishName',
                      width: 150,
                      render: (_v, r) => (
                        <Form.Item name={[r.name, 'englishName']} style={{ margin: 0 }} rules={[required('catalog.field.englishName'), { pattern: ENGLISH_NAME, message: t('catalog.editor.englishNameRule') }]}>
                          <Input maxLength={64} data-testid={`entry-field-english-${r.name}`} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('catalog.field.dataType'),
                      key: 'dataType',
                      width: 120,
                      render: (_v, r) => (
                        <Form.Item name={[r.name, 'dataType']} style={{ margin: 0 }} rules={[required('catalog.field.dataType')]}>
                          <Select options={options(t, 'dataType', DATA_TYPES)} data-testid={`entry-field-type-${r.name}`} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('catalog.field.length'),
                      key: 'length',
                      width: 100,
                      render: (_v, r) => (
                        <Form.Item name={[r.name, 'length']} style={{ margin: 0 }}>
                          <InputNumber min={1} max={1_000_000} precision={0} style={{ width: '100%' }} data-testid={`entry-field-length-${r.name}`} />
                        </Form.Item>
                      ),
                    },
                    ...(['personal', 'sensitive', 'base'] as const).map((k) => ({
                      title: t(`catalog.field.${k}`),
                      key: k,
                      width: 80,
                      align: 'center' as const,
                      render: (_v: unknown, r: { name: number }) => (
                        <Form.Item name={[r.name, k]} valuePropName="checked" style={{ margin: 0 }}>
                          <Checkbox data-testid={`entry-field-${k}-${r.name}`} />
                        </Form.Item>
                      ),
                    })),
                    {
                      title: t('catalog.field.shareType'),
                      key: 'shareType',
                      width: 140,
                      render: (_v, r) => (
                        <Form.Item name={[r.name, 'shareType']} style={{ margin: 0 }}>
                          <Select allowClear placeholder={t('catalog.field.inherit')} options={options(t, 'shareType', SHARE_TYPES)} data-testid={`entry-field-share-type-${r.name}`} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('catalog.field.shareConditions'),
                      key: 'shareConditions',
                      width: 180,
                      render: (_v, r) => (
                        <Form.Item name={[r.name, 'shareConditions']} style={{ margin: 0 }} rules={[{ max: 1000 }]}>
                          <Input maxLength={1000} data-testid={`entry-field-share-conditions-${r.name}`} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('catalog.field.legalBasis'),
                      key: 'legalBasis',
                      width: 200,
                      render: (_v, r) => (
                        <Form.Item name={[r.name, 'legalBasis']} style={{ margin: 0 }} rules={[{ max: 1000 }]}>
                          <Input maxLength={1000} data-testid={`entry-field-legal-basis-${r.name}`} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('catalog.field.openType'),
                      key: 'openType',
                      width: 140,
                      render: (_v, r) => (
                        <Form.Item name={[r.name, 'openType']} style={{ margin: 0 }}>
                          <Select allowClear placeholder={t('catalog.field.inherit')} options={options(t, 'openType', OPEN_TYPES)} data-testid={`entry-field-open-type-${r.name}`} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('catalog.field.description'),
                      key: 'description',
                      width: 200,
                      render: (_v, r) => (
                        <Form.Item name={[r.name, 'description']} style={{ margin: 0 }} rules={[{ max: 500 }]}>
                          <Input maxLength={500} data-testid={`entry-field-description-${r.name}`} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: '',
                      key: 'remove',
                      width: 60,
                      fixed: 'right',
                      render: (_v, r) => <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(r.name)} aria-label={t('catalog.field.remove')} data-testid={`entry-field-remove-${r.name}`} />,
                    },
                  ]}
                />
                <Button type="dashed" block icon={<PlusOutlined />} style={{ marginTop: 12 }} onClick={() => add(newField(rows.length))} data-testid="entry-field-add">
                  {t('catalog.field.add')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>
      </Form>
      <Card>
        <Space>
          <Button onClick={() => navigate(-1)}>{t('common.cancel')}</Button>
          <Button loading={busy === 'save'} disabled={!editable || busy === 'submit'} onClick={() => save(false)} data-testid="entry-save">
            {t('catalog.editor.save')}
          </Button>
          <Button type="primary" loading={busy === 'submit'} disabled={!editable || busy === 'save'} onClick={() => save(true)} data-testid="entry-submit">
            {t('catalog.editor.submit')}
          </Button>
        </Space>
      </Card>
    </div>
  );
}
