import { Type, type TProperties } from 'typebox';

/** A request object that refuses fields it does not know (they are usually typos). */
export const Strict = <P extends TProperties>(props: P, opts: { description?: string; title?: string } = {}) =>
  Type.Object(props, { additionalProperties: false, ...opts });

export const Uuid = (description?: string) => Type.String({ format: 'uuid', ...(description ? { description } : {}) });
export const DateTime = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });
export const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Any>>(t: T) => Type.Union([t, Type.Null()]);

/** The problem+json body every error returns (http/problem.ts). */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String(),
    code: Type.String(),
    message: Type.String(),
    messageZh: Type.String(),
    errors: Type.Array(Type.Object({ field: Type.String(), message: Type.String(), messageZh: Type.Optional(Type.String()) })),
    requestId: Type.String(),
  },
  { additionalProperties: true, $id: 'Problem' },
);
