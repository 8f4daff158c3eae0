import { useState } from 'react';

export interface Paging {
  page: number;
  pageSize: number;
  /** A new search starts again at page 1. */
  setPage: (page: number) => void;
  /** antd's pagination reports page and size together (a size change may move the page). */
  onChange: (page: number, pageSize: number) => void;
}

/** Page and page size of a server-paged list, 20 rows a page to begin with. */
export function usePaging(): Paging {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  return {
    page,
    pageSize,
    setPage,
    onChange: (p, s) => {
      setPage(p);
      setPageSize(s);
    },
  };
}
