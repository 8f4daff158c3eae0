/** The exchange module's public API: other modules import only from here. */
export { exchangeRoutes } from './exchange.routes.ts';
export { exchangeAgentRoutes } from './exchange.agent.routes.ts';
export { exchangeTopicRoutes } from './exchange.topics.routes.ts';
export { BatchStore } from './exchange.store.ts';
export { NodeWaker, type ExchangeDeps, type ExchangeSettings } from './exchange.deps.ts';
export { watchExchange } from './exchange.watch.ts';
export { exchangeMetrics } from './exchange.overview.ts';
export { createTransport, type DeliveryTransport } from './transport/index.ts';
/** For the demo seed, which acts through the same services as the console. */
export { registerNode } from './exchange.nodes.ts';
export { createTask } from './exchange.tasks.ts';
export { createTopic, subscribe } from './exchange.topics.ts';
