import type { HTMLAttributes } from 'react';

/** Row attributes for antd Table's `onRow`: a data-testid (and other data-*) for the e2e tests. */
export function rowProps(testId: string, data: Record<`data-${string}`, string> = {}): HTMLAttributes<HTMLElement> {
  return { 'data-testid': testId, ...data } as HTMLAttributes<HTMLElement>;
}

/** data-testid for props objects (okButtonProps, …) whose types don't list data-* attributes. */
export function tid<T extends object>(testId: string, props?: T): T {
  return { ...(props ?? {}), 'data-testid': testId } as unknown as T;
}
