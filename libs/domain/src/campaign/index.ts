export * from './campaign-rules';
export * from './notice-defaults';
export * from './validate-campaign-rules';
