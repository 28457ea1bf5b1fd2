export * from './region.entity';
export * from './region.dto';
export * from './regions.service';
export * from './regions.module';
