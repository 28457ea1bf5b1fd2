export * from './clock';
export * from './manual-clock';
export * from './clock.module';
