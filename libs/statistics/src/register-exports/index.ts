export * from './register-export';
export * from './register-export.dto';
export * from './register-export-file';
export * from './register-export-queue';
export * from './register-exports.store';
export * from './register-exports.service';
export * from './register-export.worker';
export * from './export-files';
