import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarOverrideRow } from './calendar-override.entity';
import { WorkingDaysService } from './working-days.service';

@Module({
  imports: [TypeOrmModule.forFeature([CalendarOverrideRow])],
  providers: [WorkingDaysService],
  exports: [WorkingDaysService],
})
export class WorkingDaysModule {}
