import { Typography } from 'antd';
import type { ReactNode } from 'react';

export function PageTitle({ title, extra }: { title: ReactNode; extra?: ReactNode }) {
  return (
    <div className="zt-page-title">
      <Typography.Title level={4}>{title}</Typography.Title>
      <div>{extra}</div>
    </div>
  );
}
