import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCodes, type ErrorCode, type FieldError } from '../kernel/errors.ts';

/** RFC 9457 problem details, with the platform's stable code and a Chinese and English message. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ErrorCode;
  message: string;
  messageZh: string;
  errors: FieldError[];
  requestId: string;
  [extra: string]: unknown;
}

export const problemType = (code: string) => `https://zhengtong.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`;

export function toProblem(err: AppError, req: FastifyRequest): Problem {
  return {
    type: problemType(err.code),
    title: ErrorCodes[err.code].en,
    status: err.status,
    detail: err.message,
    instance: req.url.split('?')[0],
    code: err.code,
    message: err.message,
    messageZh: err.messageZh,
    errors: err.fields,
    requestId: String(req.id),
    ...err.extra,
  };
}

/** Ajv's error list → the fields a user must fix. */
function validationFields(err: FastifyError): FieldError[] {
  const ctx = err.validationContext ?? 'body';
  return (err.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown>;
    let path = v.instancePath || '';
    let message = v.message ?? 'is invalid';
    let messageZh = '格式不正确';
    if (v.keyword === 'additionalProperties') {
      path = `${path}/${String(params.additionalProperty)}`;
      message = 'is not an allowed field';
      messageZh = '不允许的字段';
    } else if (v.keyword === 'required') {
      path = `${path}/${String(params.missingProperty)}`;
      message = 'is required';
      messageZh = '必填';
    } else if (v.keyword === 'minLength' || v.keyword === 'maxLength') {
      messageZh = v.keyword === 'minLength' ? `长度不能少于 ${params.limit} 个字符` : `长度不能超过 ${params.limit} 个字符`;
    } else if (v.keyword === 'pattern' || v.keyword === 'format') {
      messageZh = '格式不正确';
    } else if (v.keyword === 'enum' || v.keyword === 'const' || v.keyword === 'anyOf') {
      messageZh = '取值不在允许范围内';
    } else if (v.keyword === 'type') {
      messageZh = `类型应为 ${String(params.type)}`;
    } else if (v.keyword === 'minimum' || v.keyword === 'maximum') {
      messageZh = v.keyword === 'minimum' ? `不能小于 ${params.limit}` : `不能大于 ${params.limit}`;
    }
    return { field: `/${ctx}${path}`, message, messageZh };
  });
}

/** Maps anything thrown to an AppError: known framework errors to 4xx, the rest to 500. */
export function normalizeError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError & { type?: string };
  if (fe?.validation) {
    return new AppError('VALIDATION_FAILED', { fields: validationFields(fe) });
  }
  const status = typeof fe?.statusCode === 'number' ? fe.statusCode : 500;
  if (status === 415) {
    return new AppError('MALFORMED_REQUEST', {
      message: 'Unsupported content type; send application/json',
      messageZh: '不支持的内容类型，请使用 application/json',
    });
  }
  if (status === 413) {
    return new AppError('MALFORMED_REQUEST', { message: 'The request body is too large', messageZh: '请求体过大' });
  }
  if (status >= 400 && status < 500) {
    return new AppError('MALFORMED_REQUEST', { message: fe.message, messageZh: '请求格式错误' });
  }
  // Unique violations that slipped past a service's own check (a race) are still duplicates.
  if ((err as { code?: string })?.code === '23505') {
    return new AppError('DUPLICATE', { cause: err });
  }
  return new AppError('INTERNAL', { cause: err });
}

export function sendProblem(reply: FastifyReply, req: FastifyRequest, err: AppError) {
  // Back-pressure and rate limits tell the caller when to come back (RFC 9110 §10.2.3).
  if (typeof err.extra.retryAfter === 'number') reply.header('retry-after', String(err.extra.retryAfter));
  return reply.status(err.status).type('application/problem+json').send(toProblem(err, req));
}
