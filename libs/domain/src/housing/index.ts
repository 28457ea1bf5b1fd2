export * from './housing';
export * from './property';
export * from './validate-properties';
