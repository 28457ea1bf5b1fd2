export * from './api-figures';
export * from './assess-household';
