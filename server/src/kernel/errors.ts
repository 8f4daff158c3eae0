/**
 * Every failure the platform reports has a stable code. Services throw `AppError(code, …)`;
 * only the HTTP layer maps codes to status and RFC 9457 problem+json (http/problem.ts).
 * docs/errors.md lists the codes; keep the two in step.
 */
export const ErrorCodes = {
  VALIDATION_FAILED: { status: 400, zh: '请求参数不合法', en: 'The request is not valid' },
  MALFORMED_REQUEST: { status: 400, zh: '请求格式错误', en: 'The request is malformed' },
  AUTH_REQUIRED: { status: 401, zh: '请先登录', en: 'Authentication is required' },
  AUTH_INVALID_CREDENTIALS: { status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' },
  AUTH_ACCOUNT_LOCKED: { status: 423, zh: '账号已锁定，请稍后再试', en: 'The account is locked; try again later' },
  AUTH_ACCOUNT_DISABLED: { status: 403, zh: '账号已停用', en: 'The account is disabled' },
  AUTH_TOO_MANY_ATTEMPTS: { status: 429, zh: '该地址登录失败次数过多，请稍后再试', en: 'Too many failed sign-ins from this address; try again later' },
  AUTH_PASSWORD_CHANGE_REQUIRED: { status: 403, zh: '请先修改初始密码', en: 'The initial password must be changed first' },
  AUTH_SESSION_EXPIRED: { status: 401, zh: '会话已过期，请重新登录', en: 'The session has expired; log in again' },
  AUTH_CSRF_INVALID: { status: 403, zh: 'CSRF 校验失败，请刷新页面', en: 'CSRF token missing or invalid; reload the page' },
  AUTH_SIGNATURE_INVALID: { status: 401, zh: '请求签名无效', en: 'The request signature is invalid' },
  AUTH_SIGNATURE_STALE: { status: 401, zh: '请求时间戳已过期', en: 'The request timestamp is stale' },
  AUTH_NONCE_REPLAYED: { status: 401, zh: '请求已被使用（重放）', en: 'The request nonce was already used' },
  AUTH_CLIENT_UNKNOWN: { status: 401, zh: '未知的接入应用', en: 'Unknown API client' },
  AUTH_CLIENT_REVOKED: { status: 401, zh: '接入凭证已吊销', en: 'The API client was revoked' },
  FORBIDDEN: { status: 403, zh: '无权执行此操作', en: 'You are not allowed to do this' },
  OUT_OF_SCOPE: { status: 403, zh: '超出您的管理范围', en: 'The target is outside your scope' },
  NOT_FOUND: { status: 404, zh: '资源不存在', en: 'Not found' },
  DUPLICATE: { status: 409, zh: '记录已存在', en: 'A record with the same key already exists' },
  CONFLICT: { status: 409, zh: '状态冲突', en: 'The request conflicts with the current state' },
  RULE_VIOLATION: { status: 422, zh: '不符合业务规则', en: 'The request breaks a business rule' },
  PASSWORD_POLICY: { status: 422, zh: '密码不符合安全策略', en: 'The password does not meet the policy' },
  USCC_INVALID: { status: 422, zh: '统一社会信用代码校验失败', en: 'The unified social credit code is invalid' },
  DIVISION_INVALID: { status: 422, zh: '行政区划代码不合法', en: 'The division code is invalid' },
  DIVISION_NOT_FOUND: { status: 422, zh: '行政区划不存在', en: 'The division does not exist' },
  CALENDAR_YEAR_INVALID: { status: 422, zh: '节假日数据不合法', en: 'The calendar year data is invalid' },
  TIME_RANGE_INVERTED: { status: 400, zh: '开始时间晚于结束时间', en: 'The time range is inverted' },
  EXCHANGE_ENROL_TOKEN_INVALID: { status: 401, zh: '注册令牌无效、已使用或已过期', en: 'The enrolment token is invalid, used or expired' },
  EXCHANGE_TASK_STOPPED: { status: 409, zh: '交换任务已停止', en: 'The exchange task is stopped' },
  EXCHANGE_BATCH_INVALID: { status: 422, zh: '交换批次校验失败', en: 'The exchange batch failed its checks' },
  EXCHANGE_BACKPRESSURE: { status: 429, zh: '交换通道已满，请稍后重传', en: 'The exchange route is full; send again later' },
  RATE_LIMITED: { status: 429, zh: '请求过于频繁', en: 'Too many requests' },
  INTERNAL: { status: 500, zh: '服务器内部错误', en: 'Internal server error' },
  UNAVAILABLE: { status: 503, zh: '服务暂不可用', en: 'Service unavailable' },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface FieldError {
  /** JSON pointer or dotted path of the offending field, e.g. `/body/uscc`. */
  field: string;
  message: string;
  messageZh?: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly messageZh: string;
  readonly fields: FieldError[];
  readonly extra: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    opts: { message?: string; messageZh?: string; fields?: FieldError[]; extra?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    const def = ErrorCodes[code];
    super(opts.message ?? def.en, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = def.status;
    this.messageZh = opts.messageZh ?? def.zh;
    this.fields = opts.fields ?? [];
    this.extra = opts.extra ?? {};
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
