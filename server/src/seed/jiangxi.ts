/**
 * Demo organisation: 江西省 with its real GB/T 2260 codes (all 11 prefecture-level cities, the
 * districts and counties of 南昌市 and 上饶市) and a dozen departments across the three levels.
 * The departments' credit codes are built with valid check characters but are not the real ones.
 */
export const JIANGXI_DIVISIONS: { code: string; name: string; parent?: string }[] = [
  { code: '360000', name: '江西省' },
  { code: '360100', name: '南昌市', parent: '360000' },
  { code: '360200', name: '景德镇市', parent: '360000' },
  { code: '360300', name: '萍乡市', parent: '360000' },
  { code: '360400', name: '九江市', parent: '360000' },
  { code: '360500', name: '新余市', parent: '360000' },
  { code: '360600', name: '鹰潭市', parent: '360000' },
  { code: '360700', name: '赣州市', parent: '360000' },
  { code: '360800', name: '吉安市', parent: '360000' },
  { code: '360900', name: '宜春市', parent: '360000' },
  { code: '361000', name: '抚州市', parent: '360000' },
  { code: '361100', name: '上饶市', parent: '360000' },
  // 南昌市
  { code: '360102', name: '东湖区', parent: '360100' },
  { code: '360103', name: '西湖区', parent: '360100' },
  { code: '360104', name: '青云谱区', parent: '360100' },
  { code: '360111', name: '青山湖区', parent: '360100' },
  { code: '360112', name: '新建区', parent: '360100' },
  { code: '360113', name: '红谷滩区', parent: '360100' },
  { code: '360121', name: '南昌县', parent: '360100' },
  { code: '360123', name: '安义县', parent: '360100' },
  { code: '360124', name: '进贤县', parent: '360100' },
  // 上饶市
  { code: '361102', name: '信州区', parent: '361100' },
  { code: '361103', name: '广丰区', parent: '361100' },
  { code: '361104', name: '广信区', parent: '361100' },
  { code: '361123', name: '玉山县', parent: '361100' },
  { code: '361124', name: '铅山县', parent: '361100' },
  { code: '361125', name: '横峰县', parent: '361100' },
  { code: '361126', name: '弋阳县', parent: '361100' },
  { code: '361127', name: '余干县', parent: '361100' },
  { code: '361128', name: '鄱阳县', parent: '361100' },
  { code: '361129', name: '万年县', parent: '361100' },
  { code: '361130', name: '婺源县', parent: '361100' },
  { code: '361181', name: '德兴市', parent: '361100' },
];

export interface DemoDepartment {
  key: string;
  name: string;
  shortName: string;
  division: string;
  kind: string;
  parent?: string;
}

export const JIANGXI_DEPARTMENTS: DemoDepartment[] = [
  { key: 'jx-info', name: '江西省信息中心（江西省大数据中心）', shortName: '省大数据中心', division: '360000', kind: 'information_center' },
  { key: 'jx-drc', name: '江西省发展和改革委员会', shortName: '省发展改革委', division: '360000', kind: 'development_reform' },
  { key: 'jx-psb', name: '江西省公安厅', shortName: '省公安厅', division: '360000', kind: 'public_security' },
  { key: 'jx-amr', name: '江西省市场监督管理局', shortName: '省市场监管局', division: '360000', kind: 'market_regulation' },
  { key: 'jx-hrss', name: '江西省人力资源和社会保障厅', shortName: '省人社厅', division: '360000', kind: 'human_resources' },
  { key: 'jx-gov', name: '江西省人民政府办公厅政务服务办公室', shortName: '省政务服务办', division: '360000', kind: 'government_services' },
  { key: 'jx-sup', name: '江西省监察委员会', shortName: '省监委', division: '360000', kind: 'supervision' },
  { key: 'jx-audit', name: '江西省审计厅', shortName: '省审计厅', division: '360000', kind: 'audit' },
  { key: 'nc-info', name: '南昌市大数据发展管理局', shortName: '南昌市数据局', division: '360100', kind: 'information_center' },
  { key: 'nc-approval', name: '南昌市行政审批局', shortName: '南昌市审批局', division: '360100', kind: 'government_services' },
  { key: 'nc-amr', name: '南昌市市场监督管理局', shortName: '南昌市市场监管局', division: '360100', kind: 'market_regulation' },
  { key: 'hgt-approval', name: '南昌市红谷滩区行政审批局', shortName: '红谷滩区审批局', division: '360113', kind: 'government_services' },
  { key: 'sr-approval', name: '上饶市行政审批局', shortName: '上饶市审批局', division: '361100', kind: 'government_services' },
  { key: 'sr-psb', name: '上饶市公安局', shortName: '上饶市公安局', division: '361100', kind: 'public_security' },
  { key: 'wy-amr', name: '婺源县市场监督管理局', shortName: '婺源县市场监管局', division: '361130', kind: 'market_regulation' },
];

export const DEMO_PASSWORD = 'Zhengtong@2026';

export interface DemoUser {
  username: string;
  displayName: string;
  department: string;
  roles: { role: string; scope: 'department' | 'division' | 'platform' }[];
  mustChangePassword?: boolean;
  note: string;
}

export const DEMO_USERS: DemoUser[] = [
  { username: 'admin', displayName: '平台管理员', department: 'jx-info', roles: [{ role: 'platform_admin', scope: 'platform' }], note: '平台管理员 platform admin' },
  { username: 'auditor', displayName: '省审计厅审计员', department: 'jx-audit', roles: [{ role: 'auditor', scope: 'platform' }], note: '审计员（全平台）auditor, platform scope' },
  { username: 'supervisor', displayName: '省监委监察员', department: 'jx-sup', roles: [{ role: 'supervisor', scope: 'division' }], note: '监察员（全省）supervisor, province' },
  { username: 'nc_admin', displayName: '南昌市数据局管理员', department: 'nc-info', roles: [{ role: 'department_admin', scope: 'division' }], note: '南昌市部门管理员（市及下辖区县）Nanchang admin, city and below' },
  { username: 'hgt_admin', displayName: '红谷滩区审批局管理员', department: 'hgt-approval', roles: [{ role: 'department_admin', scope: 'division' }], note: '红谷滩区管理员（区县级）county admin' },
  { username: 'sr_admin', displayName: '上饶市审批局管理员', department: 'sr-approval', roles: [{ role: 'department_admin', scope: 'department' }], note: '上饶市审批局管理员（本部门）department admin' },
  { username: 'nc_officer', displayName: '南昌市市场监管局数据专员', department: 'nc-amr', roles: [{ role: 'data_officer', scope: 'department' }], note: '数据专员 data officer' },
  { username: 'ncsp_officer', displayName: '南昌市审批局数据专员', department: 'nc-approval', roles: [{ role: 'data_officer', scope: 'department' }], note: '数据专员（使用方）data officer of a consuming department' },
  { username: 'nc_authority', displayName: '南昌市数据局共享审核员', department: 'nc-info', roles: [{ role: 'sharing_authority', scope: 'division' }], note: '共享主管部门审核员（南昌市及下辖区县）sharing authority, Nanchang and below' },
  { username: 'jx_authority', displayName: '省大数据中心共享审核员', department: 'jx-info', roles: [{ role: 'sharing_authority', scope: 'division' }], note: '共享主管部门审核员（全省）sharing authority, province' },
  { username: 'newstaff', displayName: '新入职窗口人员', department: 'nc-approval', roles: [{ role: 'window_staff', scope: 'department' }], mustChangePassword: true, note: '首次登录须修改初始密码 must change the initial password' },
];
