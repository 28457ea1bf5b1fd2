export * from './app-error';
export * from './error-body';
export * from './all-exceptions.filter';
export * from './validation.pipe';
export * from './configure-http-app';
export * from './two-decimals';
export * from './uuid-param.pipe';
export * from './plain-text';
