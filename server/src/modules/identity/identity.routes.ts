import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DEPARTMENT_KINDS, DEPARTMENT_KIND_NAMES } from './domain/department-kinds.ts';
import { ROLE_NAMES, ROLES } from './domain/permissions.ts';
import * as auth from './auth.service.ts';
import * as clients from './clients.service.ts';
import * as departments from './departments.service.ts';
import * as divisions from './divisions.service.ts';
import * as users from './users.service.ts';
import type { IdentityDeps } from './identity.deps.ts';
import { clearSessionCookie, setSessionCookie } from './identity.http.ts';
import * as S from './identity.schemas.ts';

const NoContent = { 204: Type.Null({ description: '成功 / done' }) };

export async function identityRoutes(fastify: FastifyInstance, { deps }: { deps: IdentityDeps }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  // ── authentication ──────────────────────────────────────────────────────────
  app.post('/api/auth/login', {
    config: { access: 'public', action: 'identity.auth.login' },
    schema: { tags: ['auth'], summary: '登录 / Log in', body: S.LoginBody, response: { 200: S.LoginResponse } },
  }, async (req, reply) => {
    const result = await auth.login(deps, req.ctx, { ...req.body, userAgent: req.headers['user-agent'] });
    setSessionCookie(reply, deps, result.token, result.expiresAt);
    const user = await auth.describeActor(deps, result.actor, result.csrfToken);
    return { csrfToken: result.csrfToken, mustChangePassword: user.mustChangePassword, user };
  });

  app.post('/api/auth/logout', {
    config: { access: 'authenticated', action: 'identity.auth.logout', allowPendingPasswordChange: true },
    schema: { tags: ['auth'], summary: '退出登录 / Log out', response: NoContent },
  }, async (req, reply) => {
    await auth.logout(deps, req.ctx);
    clearSessionCookie(reply);
    return reply.code(204).send(null);
  });

  app.get('/api/auth/me', {
    config: { access: 'authenticated', allowPendingPasswordChange: true },
    schema: { tags: ['auth'], summary: '当前用户 / Who am I', response: { 200: S.MeSchema } },
  }, async (req) => auth.describeActor(deps, req.actor!, req.csrfToken ?? ''));

  app.post('/api/auth/password', {
    config: { access: 'authenticated', action: 'identity.auth.change_password', allowPendingPasswordChange: true },
    schema: { tags: ['auth'], summary: '修改本人密码 / Change own password', body: S.ChangePasswordBody, response: NoContent },
  }, async (req, reply) => {
    await auth.changeOwnPassword(deps, req.ctx, req.body);
    return reply.code(204).send(null);
  });

  app.get('/api/auth/sessions', {
    config: { access: 'authenticated' },
    schema: { tags: ['auth'], summary: '本人会话 / Own sessions', response: { 200: Type.Object({ items: Type.Array(S.SessionSchema) }) } },
  }, async (req) => ({ items: await auth.listOwnSessions(deps, req.ctx) }));

  app.delete('/api/auth/sessions/:id', {
    config: { access: 'authenticated', action: 'identity.session.revoke' },
    schema: { tags: ['auth'], summary: '注销会话 / Revoke a session', params: S.SessionParams, response: NoContent },
  }, async (req, reply) => {
    await auth.revokeOwnSession(deps, req.ctx, req.params.id);
    if (req.params.id === req.actor?.sessionId) clearSessionCookie(reply);
    return reply.code(204).send(null);
  });

  // ── reference lists ─────────────────────────────────────────────────────────
  app.get('/api/roles', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['organisation'],
      summary: '角色与权限 / Roles and their permissions',
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ role: Type.String(), zh: Type.String(), en: Type.String(), permissions: Type.Array(Type.String()) })) }) },
    },
  }, async () => ({ items: ROLE_NAMES.map((role) => ({ role, zh: ROLES[role].zh, en: ROLES[role].en, permissions: [...ROLES[role].permissions] })) }));

  app.get('/api/department-kinds', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['organisation'],
      summary: '部门类别 / Department kinds',
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ kind: Type.String(), zh: Type.String(), en: Type.String() })) }) },
    },
  }, async () => ({ items: DEPARTMENT_KIND_NAMES.map((kind) => ({ kind, ...DEPARTMENT_KINDS[kind] })) }));

  // ── divisions ───────────────────────────────────────────────────────────────
  app.get('/api/divisions/tree', {
    config: { access: 'org.division.read' },
    schema: { tags: ['organisation'], summary: '行政区划树 / Division tree (nodes carry `children`)' },
  }, async (req) => ({ items: await divisions.divisionTree(deps, req.ctx) }));

  app.get('/api/divisions/:code', {
    config: { access: 'org.division.read' },
    schema: { tags: ['organisation'], summary: '行政区划 / A division', params: S.DivisionParams, response: { 200: S.DivisionSchema } },
  }, async (req) => divisions.getDivision(deps, req.ctx, req.params.code));

  app.post('/api/divisions', {
    config: { access: 'org.division.manage', action: 'identity.division.create' },
    schema: { tags: ['organisation'], summary: '新增行政区划 / Add a division', body: S.CreateDivisionBody, response: { 201: S.DivisionSchema } },
  }, async (req, reply) => reply.code(201).send(await divisions.createDivision(deps, req.ctx, req.body)));

  app.patch('/api/divisions/:code', {
    config: { access: 'org.division.manage', action: 'identity.division.update' },
    schema: { tags: ['organisation'], summary: '修改行政区划名称 / Rename a division', params: S.DivisionParams, body: S.UpdateDivisionBody, response: { 200: S.DivisionSchema } },
  }, async (req) => divisions.renameDivision(deps, req.ctx, req.params.code, req.body));

  // ── departments ─────────────────────────────────────────────────────────────
  app.get('/api/departments', {
    config: { access: 'org.department.read' },
    schema: { tags: ['organisation'], summary: '部门列表 / List departments in scope', querystring: S.ListDepartmentsQuery, response: { 200: S.DepartmentPage } },
  }, async (req) => departments.listDepartments(deps, req.ctx, req.query));

  app.get('/api/departments/:id', {
    config: { access: 'org.department.read' },
    schema: { tags: ['organisation'], summary: '部门详情 / A department', params: S.IdParams, response: { 200: S.DepartmentSchema } },
  }, async (req) => departments.getDepartment(deps, req.ctx, req.params.id));

  app.post('/api/departments', {
    config: { access: 'org.department.manage', action: 'identity.department.create' },
    schema: { tags: ['organisation'], summary: '新建部门 / Create a department', body: S.CreateDepartmentBody, response: { 201: S.DepartmentSchema } },
  }, async (req, reply) => reply.code(201).send(await departments.createDepartment(deps, req.ctx, req.body)));

  app.patch('/api/departments/:id', {
    config: { access: 'org.department.manage', action: 'identity.department.update' },
    schema: { tags: ['organisation'], summary: '修改部门 / Update a department', params: S.IdParams, body: S.UpdateDepartmentBody, response: { 200: S.DepartmentSchema } },
  }, async (req) => departments.updateDepartment(deps, req.ctx, req.params.id, req.body));

  // ── users ───────────────────────────────────────────────────────────────────
  app.get('/api/users', {
    config: { access: 'org.user.read' },
    schema: { tags: ['organisation'], summary: '用户列表 / List users in scope', querystring: S.ListUsersQuery, response: { 200: S.UserPage } },
  }, async (req) => users.listUsers(deps, req.ctx, req.query));

  app.get('/api/users/:id', {
    config: { access: 'org.user.read' },
    schema: { tags: ['organisation'], summary: '用户详情 / A user', params: S.IdParams, response: { 200: S.UserSchema } },
  }, async (req) => users.getUser(deps, req.ctx, req.params.id));

  app.post('/api/users', {
    config: { access: 'org.user.manage', action: 'identity.user.create' },
    schema: { tags: ['organisation'], summary: '新建用户 / Create a user', body: S.CreateUserBody, response: { 201: S.UserSchema } },
  }, async (req, reply) => reply.code(201).send(await users.createUser(deps, req.ctx, req.body)));

  app.patch('/api/users/:id', {
    config: { access: 'org.user.manage', action: 'identity.user.update' },
    schema: { tags: ['organisation'], summary: '修改用户 / Update a user', params: S.IdParams, body: S.UpdateUserBody, response: { 200: S.UserSchema } },
  }, async (req) => users.updateUser(deps, req.ctx, req.params.id, req.body));

  app.put('/api/users/:id/roles', {
    config: { access: 'org.user.manage', action: 'identity.user.roles' },
    schema: { tags: ['organisation'], summary: '设置用户角色 / Set a user\'s roles', params: S.IdParams, body: S.SetRolesBody, response: { 200: S.UserSchema } },
  }, async (req) => users.setUserRoles(deps, req.ctx, req.params.id, req.body.roles));

  app.post('/api/users/:id/reset-password', {
    config: { access: 'org.user.manage', action: 'identity.user.reset_password' },
    schema: { tags: ['organisation'], summary: '重置密码（一次性密码）/ Reset to a one-time password', params: S.IdParams, body: S.ResetPasswordBody, response: NoContent },
  }, async (req, reply) => {
    await users.resetPassword(deps, req.ctx, req.params.id, req.body.temporaryPassword);
    return reply.code(204).send(null);
  });

  app.post('/api/users/:id/unlock', {
    config: { access: 'org.user.manage', action: 'identity.user.unlock' },
    schema: { tags: ['organisation'], summary: '解锁账号 / Unlock an account', params: S.IdParams, response: NoContent },
  }, async (req, reply) => {
    await users.unlockUser(deps, req.ctx, req.params.id);
    return reply.code(204).send(null);
  });

  // ── API clients ─────────────────────────────────────────────────────────────
  app.get('/api/clients', {
    config: { access: 'org.client.read' },
    schema: { tags: ['organisation'], summary: '接入应用 / API clients in scope', querystring: S.ListClientsQuery, response: { 200: S.ClientPage } },
  }, async (req) => clients.listClients(deps, req.ctx, req.query));

  app.post('/api/clients', {
    config: { access: 'org.client.manage', action: 'identity.client.create' },
    schema: { tags: ['organisation'], summary: '登记接入应用 / Register an API client', body: S.CreateClientBody, response: { 201: S.ClientSchema } },
  }, async (req, reply) => reply.code(201).send(await clients.createClient(deps, req.ctx, req.body)));

  app.post('/api/clients/:id/revoke', {
    config: { access: 'org.client.manage', action: 'identity.client.revoke' },
    schema: { tags: ['organisation'], summary: '吊销接入凭证 / Revoke an API client', params: S.IdParams, response: NoContent },
  }, async (req, reply) => {
    await clients.revokeClient(deps, req.ctx, req.params.id);
    return reply.code(204).send(null);
  });

}
