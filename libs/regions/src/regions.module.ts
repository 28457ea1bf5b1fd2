import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Region } from './region.entity';
import { RegionsService } from './regions.service';

/** The region tree (county → town → community). Controllers are mounted by the API app. */
@Module({
  imports: [TypeOrmModule.forFeature([Region])],
  providers: [RegionsService],
  exports: [RegionsService, TypeOrmModule],
})
export class RegionsModule {}
