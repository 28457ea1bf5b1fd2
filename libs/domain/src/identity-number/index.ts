export * from './province-codes';
export * from './resident-id';
