export * from './history-chain';
export * from './plan-transition';
export * from './statuses';
export * from './transition-table';
export * from './workflow-types';
