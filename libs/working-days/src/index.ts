export * from './calendar-override.entity';
export * from './working-days.service';
export * from './working-days.module';
