export * from './composition';
export * from './household';
export * from './validate-household';
