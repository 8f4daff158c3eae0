import { Type, type Static, type TSchema } from 'typebox';

/** Query-string paging shared by every list endpoint: `?page=1&pageSize=20`. */
export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1, description: '页码 / page number (1-based)' })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 20, description: '每页条数 / page size' })),
};

export const pageOf = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
  });

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export function paging(q: { page?: number; pageSize?: number }) {
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  return { page, pageSize, offset: (page - 1) * pageSize, limit: pageSize };
}

export type PageQueryT = Static<ReturnType<typeof Type.Object<typeof PageQuery>>>;
