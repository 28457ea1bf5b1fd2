import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Role } from './roles';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column()
  username!: string;

  /** scrypt (see PasswordHasher); never selected into responses. */
  @Column({ select: false })
  passwordHash!: string;

  /** The registered name; a reviewer's decisions must be signed with it. */
  @Column()
  name!: string;

  @Column({ type: 'varchar' })
  role!: Role;

  @Column({ type: 'uuid', nullable: true })
  regionId!: string | null;

  @Column({ type: 'char', length: 18, nullable: true })
  idNumber!: string | null;

  @Column({ type: 'varchar', nullable: true })
  phone!: string | null;

  @Column({ default: false })
  disabled!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
