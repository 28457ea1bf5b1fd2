import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A local decision of the county: a day off or a working day beyond the State Council's arrangement. */
@Entity('calendar_overrides')
export class CalendarOverrideRow {
  @PrimaryColumn({ type: 'date' })
  date!: string;

  @Column()
  workday!: boolean;

  @Column()
  note!: string;

  @Column({ type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
