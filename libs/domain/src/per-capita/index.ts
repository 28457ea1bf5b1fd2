export * from './per-capita';
