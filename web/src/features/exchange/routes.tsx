import { lazy } from 'react';
import { Route } from 'react-router-dom';
import type { PageGuard } from '../../routes';

const NodesPage = lazy(() => import('./NodesPage'));
const NodeDetailPage = lazy(() => import('./NodeDetailPage'));
const TasksPage = lazy(() => import('./TasksPage'));
const TaskCreatePage = lazy(() => import('./TaskCreatePage'));
const TaskDetailPage = lazy(() => import('./TaskDetailPage'));
const FailuresPage = lazy(() => import('./FailuresPage'));
const MonitorPage = lazy(() => import('./MonitorPage'));
const TopicsPage = lazy(() => import('./TopicsPage'));
const TopicDetailPage = lazy(() => import('./TopicDetailPage'));

/**
 * The exchange console's pages, as <Route> elements under the console layout. Reading needs
 * exchange.read (the server shows each user the nodes and tasks of its scope); creating a task
 * needs exchange.task.manage.
 */
export function exchangeRoutes(page: PageGuard) {
  return (
    <>
      <Route path="exchange/nodes" element={page('exchange.read', <NodesPage />)} />
      <Route path="exchange/nodes/:id" element={page('exchange.read', <NodeDetailPage />)} />
      <Route path="exchange/tasks" element={page('exchange.read', <TasksPage />)} />
      <Route path="exchange/tasks/new" element={page('exchange.task.manage', <TaskCreatePage />)} />
      <Route path="exchange/tasks/:id" element={page('exchange.read', <TaskDetailPage />)} />
      <Route path="exchange/failures" element={page('exchange.read', <FailuresPage />)} />
      <Route path="exchange/monitor" element={page('exchange.read', <MonitorPage />)} />
      <Route path="exchange/topics" element={page('exchange.read', <TopicsPage />)} />
      <Route path="exchange/topics/:id" element={page('exchange.read', <TopicDetailPage />)} />
    </>
  );
}
