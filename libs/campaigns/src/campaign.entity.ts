import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '@app/database';

/**
 * One survey round. Everything that varies by year is here, never in code;
 * money in fen, area in 0.01 m², coefficients in hundredths: all exact integers.
 */
@Entity('campaigns')
export class Campaign {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column()
  name!: string;

  @Column({ type: 'uuid' })
  countyId!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  referenceIncomeFen!: number;

  @Column({ type: 'int' })
  areaLimitCenti!: number;

  @Column({ type: 'smallint', array: true })
  incomeCoefficients!: number[];

  @Column({ type: 'int', array: true })
  areaTierBoundsCenti!: number[];

  @Column({ type: 'date' })
  ageCutoffDate!: string;

  @Column({ type: 'date' })
  hukouCutoffDate!: string;

  @Column({ type: 'date' })
  transferCutoffDate!: string;

  @Column({ type: 'date' })
  opensOn!: string;

  @Column({ type: 'date' })
  closesOn!: string;

  @Column({ type: 'date' })
  reportDueOn!: string;

  @Column({ type: 'smallint' })
  reviewDaysCommunity!: number;

  @Column({ type: 'smallint' })
  reviewDaysTown!: number;

  @Column({ type: 'smallint' })
  reviewDaysBureau!: number;

  @Column({ type: 'smallint' })
  noticeDays!: number;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
