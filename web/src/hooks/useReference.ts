import { useEffect, useState } from 'react';
import { orgApi } from '../api/org';
import type { DepartmentKind, DivisionNode, RoleInfo } from '../api/types';

/**
 * Reference lists that rarely change (roles, department kinds, the division tree), fetched once
 * per page load and shared by every component that needs them.
 */
function cached<T>(load: () => Promise<T>) {
  let promise: Promise<T> | null = null;
  let value: T | undefined;
  const get = () => {
    if (!promise) {
      promise = load().then(
        (v) => (value = v),
        (e: unknown) => {
          promise = null;
          throw e;
        },
      );
    }
    return promise;
  };
  const invalidate = () => {
    promise = null;
    value = undefined;
  };
  const useIt = (): T | undefined => {
    const [v, setV] = useState<T | undefined>(value);
    useEffect(() => {
      let live = true;
      get()
        .then((x) => live && setV(x))
        .catch(() => undefined);
      return () => {
        live = false;
      };
    }, []);
    return v;
  };
  return { get, invalidate, use: useIt };
}

export const rolesRef = cached(async () => (await orgApi.roles()).items as RoleInfo[]);
export const kindsRef = cached(async () => (await orgApi.departmentKinds()).items as DepartmentKind[]);
export const divisionsRef = cached(async () => (await orgApi.divisionTree()).items as DivisionNode[]);

export const useRoles = rolesRef.use;
export const useDepartmentKinds = kindsRef.use;
export const useDivisionTree = divisionsRef.use;

/** Forget every cached list (on login / logout: what a user may see differs). */
export function invalidateReferences() {
  rolesRef.invalidate();
  kindsRef.invalidate();
  divisionsRef.invalidate();
}
