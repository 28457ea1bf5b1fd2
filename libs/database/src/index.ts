export * from './database.module';
export * from './data-source-options';
export * from './migrate';
export * from './snake-naming.strategy';
export * from './column-transformers';
export * from './returning';
export * from './statements';
export * from './entity-rows';
