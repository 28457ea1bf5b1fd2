import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const REGION_LEVELS = ['county', 'town', 'community'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

/** The level a region's parent must have; the county is the root. */
export const PARENT_LEVEL: Record<RegionLevel, RegionLevel | null> = {
  county: null,
  town: 'county',
  community: 'town',
};

@Entity('regions')
export class Region {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column()
  code!: string;

  @Column()
  name!: string;

  @Column({ type: 'varchar' })
  level!: RegionLevel;

  @Column({ type: 'uuid', nullable: true })
  parentId!: string | null;

  /**
   * Materialised path of ids, `/county/town/community/`: "is X inside Y" is a
   * prefix test, which is how every jurisdiction check is answered.
   */
  @Column()
  path!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

export function isWithin(region: Pick<Region, 'path'>, ancestor: Pick<Region, 'path'>): boolean {
  return region.path.startsWith(ancestor.path);
}
