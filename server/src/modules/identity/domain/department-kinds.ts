/** Kinds of government department (部门类别). The list grows by code review, not by admins. */
export const DEPARTMENT_KINDS = {
  general_office: { zh: '办公厅（室）', en: 'General office' },
  development_reform: { zh: '发展改革', en: 'Development and reform' },
  public_security: { zh: '公安', en: 'Public security' },
  market_regulation: { zh: '市场监管', en: 'Market regulation' },
  human_resources: { zh: '人力资源和社会保障', en: 'Human resources and social security' },
  government_services: { zh: '政务服务/行政审批', en: 'Government services / administrative approval' },
  supervision: { zh: '监察', en: 'Supervision' },
  audit: { zh: '审计', en: 'Audit' },
  information_center: { zh: '信息中心/大数据中心', en: 'Information / big-data centre' },
  finance: { zh: '财政', en: 'Finance' },
  natural_resources: { zh: '自然资源', en: 'Natural resources' },
  civil_affairs: { zh: '民政', en: 'Civil affairs' },
  taxation: { zh: '税务', en: 'Taxation' },
  health: { zh: '卫生健康', en: 'Health' },
  education: { zh: '教育', en: 'Education' },
  housing: { zh: '住房和城乡建设', en: 'Housing and urban-rural development' },
  transport: { zh: '交通运输', en: 'Transport' },
  ecology: { zh: '生态环境', en: 'Ecology and environment' },
  agriculture: { zh: '农业农村', en: 'Agriculture and rural affairs' },
  emergency: { zh: '应急管理', en: 'Emergency management' },
  justice: { zh: '司法行政', en: 'Justice' },
  other: { zh: '其他', en: 'Other' },
} as const;

export type DepartmentKind = keyof typeof DEPARTMENT_KINDS;
export const DEPARTMENT_KIND_NAMES = Object.keys(DEPARTMENT_KINDS) as DepartmentKind[];
