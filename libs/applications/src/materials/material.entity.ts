import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MaterialType } from '@app/domain';
import type { MaterialContentType } from './content-type';

/** One uploaded file, belonging to one application. The file lives under UPLOAD_DIR at `storageKey`. */
@Entity('materials')
export class Material {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  applicationId!: string;

  @Column({ type: 'varchar' })
  type!: MaterialType;

  @Column({ type: 'char', length: 18, nullable: true })
  memberIdNumber!: string | null;

  @Column({ type: 'uuid', nullable: true })
  propertyId!: string | null;

  @Column({ type: 'varchar' })
  contentType!: MaterialContentType;

  @Column({ type: 'int' })
  size!: number;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

  @Column()
  storageKey!: string;

  @Column({ type: 'uuid' })
  uploadedBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
