export * from './campaign.entity';
export * from './campaign.dto';
export * from './campaign-parameters';
export * from './campaigns.service';
export * from './campaigns.module';
