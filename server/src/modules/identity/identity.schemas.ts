import { Type } from 'typebox';
import { PageQuery, pageOf } from '../../kernel/pagination.ts';
import { DateTime, Strict, Uuid } from '../../kernel/schema.ts';
import { DEPARTMENT_KIND_NAMES } from './domain/department-kinds.ts';
import { ROLE_NAMES, SCOPES } from './domain/permissions.ts';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const ScopeSchema = Type.Union(SCOPES.map((s) => Type.Literal(s)), { description: '范围 / scope' });
export const RoleSchema = Type.Union(ROLE_NAMES.map((r) => Type.Literal(r)), { description: '角色 / role' });
export const RoleGrantSchema = Strict({ role: RoleSchema, scope: ScopeSchema });

export const DivisionCodeSchema = Type.String({ pattern: '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$', description: 'GB/T 2260 行政区划代码' });

export const DivisionSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
  parentCode: nullable(Type.String()),
});
export interface DivisionNodeT {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
  children: DivisionNodeT[];
}
export const CreateDivisionBody = Strict({
  code: DivisionCodeSchema,
  name: Type.String({ minLength: 1, maxLength: 100 }),
  parentCode: Type.Optional(DivisionCodeSchema),
});
export const UpdateDivisionBody = Strict({ name: Type.String({ minLength: 1, maxLength: 100 }) });
export const DivisionParams = Strict({ code: DivisionCodeSchema });

export const DepartmentKindSchema = Type.Union(DEPARTMENT_KIND_NAMES.map((k) => Type.Literal(k)), { description: '部门类别 / kind' });

export const DepartmentSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  shortName: nullable(Type.String()),
  uscc: Type.String(),
  legacyCode: Type.Boolean(),
  usccWarning: nullable(Type.String()),
  divisionCode: Type.String(),
  divisionName: Type.String(),
  parentId: nullable(Type.String()),
  parentName: nullable(Type.String()),
  kind: Type.String(),
  kindName: Type.String(),
  enabled: Type.Boolean(),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});

// Longer than 18 to let pasted codes with spaces around them through; the service trims and checks.
const UsccInput = Type.String({ minLength: 1, maxLength: 40, description: '统一社会信用代码 (GB 32100)' });

export const CreateDepartmentBody = Strict({
  name: Type.String({ minLength: 2, maxLength: 100 }),
  shortName: Type.Optional(Type.String({ maxLength: 50 })),
  uscc: UsccInput,
  legacyCode: Type.Optional(Type.Boolean({ description: '历史代码：校验位不符仍登记 / accept a legacy code that fails the check' })),
  divisionCode: DivisionCodeSchema,
  parentId: Type.Optional(Uuid('上级部门 / parent department')),
  kind: DepartmentKindSchema,
});
export const UpdateDepartmentBody = Strict({
  name: Type.Optional(Type.String({ minLength: 2, maxLength: 100 })),
  shortName: Type.Optional(Type.String({ maxLength: 50 })),
  uscc: Type.Optional(UsccInput),
  legacyCode: Type.Optional(Type.Boolean()),
  kind: Type.Optional(DepartmentKindSchema),
  enabled: Type.Optional(Type.Boolean()),
});
export const ListDepartmentsQuery = Strict({
  ...PageQuery,
  q: Type.Optional(Type.String({ maxLength: 100 })),
  divisionCode: Type.Optional(DivisionCodeSchema),
  includeSubdivisions: Type.Optional(Type.Boolean({ default: true })),
  kind: Type.Optional(DepartmentKindSchema),
  parentId: Type.Optional(Uuid()),
});
export const IdParams = Strict({ id: Uuid() });
export const DepartmentPage = pageOf(DepartmentSchema);

export const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  departmentId: Type.String(),
  departmentName: Type.String(),
  email: nullable(Type.String()),
  phone: nullable(Type.String()),
  enabled: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
  lockedUntil: nullable(DateTime()),
  lastLoginAt: nullable(DateTime()),
  roles: Type.Array(Type.Object({ role: Type.String(), scope: Type.String() })),
  createdAt: DateTime(),
});
export const Username = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.-]{2,63}$', description: '用户名：字母开头，3–64 位字母、数字、_ . -' });
export const Password = Type.String({ minLength: 1, maxLength: 128 });
export const CreateUserBody = Strict({
  username: Username,
  displayName: Type.String({ minLength: 1, maxLength: 50 }),
  departmentId: Uuid(),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
  phone: Type.Optional(Type.String({ pattern: '^[0-9+\\- ]{5,20}$' })),
  initialPassword: Password,
  roles: Type.Array(RoleGrantSchema, { maxItems: 10 }),
});
export const UpdateUserBody = Strict({
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  email: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 200 }), Type.Null()])),
  phone: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9+\\- ]{5,20}$' }), Type.Null()])),
  enabled: Type.Optional(Type.Boolean()),
});
export const SetRolesBody = Strict({ roles: Type.Array(RoleGrantSchema, { maxItems: 10 }) });
export const ResetPasswordBody = Strict({ temporaryPassword: Password });
export const ListUsersQuery = Strict({
  ...PageQuery,
  q: Type.Optional(Type.String({ maxLength: 100 })),
  departmentId: Type.Optional(Uuid()),
});
export const UserPage = pageOf(UserSchema);

export const LoginBody = Strict({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Password });
export const ChangePasswordBody = Strict({ currentPassword: Password, newPassword: Password });
export const MeSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  departmentId: Type.String(),
  departmentName: Type.String(),
  divisionCode: Type.String(),
  divisionName: Type.String(),
  mustChangePassword: Type.Boolean(),
  roles: Type.Array(Type.Object({ role: Type.String(), scope: Type.String() })),
  permissions: Type.Record(Type.String(), Type.String()),
  csrfToken: Type.String(),
});
export const LoginResponse = Type.Object({ csrfToken: Type.String(), mustChangePassword: Type.Boolean(), user: MeSchema });
export const SessionSchema = Type.Object({
  id: Type.String(),
  createdAt: DateTime(),
  lastSeenAt: DateTime(),
  expiresAt: DateTime(),
  ip: nullable(Type.String()),
  userAgent: nullable(Type.String()),
  current: Type.Boolean(),
});
export const SessionParams = Strict({ id: Type.String({ pattern: '^[0-9a-f]{64}$' }) });

export const ClientSchema = Type.Object({
  id: Type.String(),
  clientId: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  departmentId: Type.String(),
  departmentName: Type.String(),
  keyFingerprint: Type.String(),
  revokedAt: nullable(DateTime()),
  lastUsedAt: nullable(DateTime()),
  roles: Type.Array(Type.Object({ role: Type.String(), scope: Type.String() })),
  createdAt: DateTime(),
});
export const CreateClientBody = Strict({
  clientId: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{2,63}$', description: '接入应用标识 / client id' }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  kind: Type.Union([Type.Literal('system'), Type.Literal('agent')]),
  departmentId: Uuid(),
  publicKey: Type.String({ minLength: 64, maxLength: 4000, description: 'SM2 公钥（PEM 或 04 开头的十六进制）' }),
  roles: Type.Array(RoleGrantSchema, { maxItems: 10 }),
});
export const ClientPage = pageOf(ClientSchema);
export const ListClientsQuery = Strict({ ...PageQuery, departmentId: Type.Optional(Uuid()) });
