import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createReadStream, ReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Repository } from 'typeorm';
import { AuthUser } from '@app/access';
import { AppConfig } from '@app/config';
import { AppError } from '@app/http';
import { requireEditableByApplicant, requireReadable } from '../application-access';
import { Application } from '../application.entity';
import { materialView } from '../application-view';
import { UploadMaterialDto } from '../dto/material.dto';
import { Material } from './material.entity';
import { StoredUpload } from './upload-storage';

/** The largest material accepted (api.md: 10 MB). */
export const MAX_MATERIAL_BYTES = 10 * 1024 * 1024;

@Injectable()
export class MaterialsService {
  constructor(
    @InjectRepository(Application) private readonly applications: Repository<Application>,
    @InjectRepository(Material) private readonly materials: Repository<Material>,
    private readonly config: AppConfig,
  ) {}

  /**
   * Files an upload that the storage engine has streamed to `incoming/`. Whatever
   * is refused leaves nothing behind: the incoming file is removed unless it was
   * moved into place and recorded.
   */
  async attach(
    user: AuthUser,
    applicationId: string,
    upload: StoredUpload | undefined,
    readFields: () => Promise<UploadMaterialDto>,
  ) {
    try {
      const app = requireEditableByApplicant(
        user,
        await this.applications.findOneBy({ id: applicationId }),
      );
      const dto = await readFields();
      if (!upload)
        throw AppError.badRequest('FILE_REQUIRED', 'The multipart part `file` is required');
      if (upload.size === 0) throw AppError.badRequest('EMPTY_FILE', 'The file is empty');
      if (!upload.detectedType) {
        throw new AppError(
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          'Only PDF, JPEG or PNG files are accepted (judged by content)',
        );
      }
      this.requireTargets(app, dto);
      const material = this.materials.create({
        id: crypto.randomUUID(),
        applicationId,
        type: dto.type,
        memberIdNumber: dto.memberIdNumber ?? null,
        propertyId: dto.propertyId ?? null,
        contentType: upload.detectedType,
        size: upload.size,
        sha256: upload.sha256,
        uploadedBy: user.id,
      });
      material.storageKey = `${applicationId}/${material.id}`;
      await mkdir(join(this.config.uploadDir, applicationId), { recursive: true });
      await rename(upload.path, this.pathOf(material.storageKey));
      try {
        return materialView(await this.materials.save(material));
      } catch (e) {
        await rm(this.pathOf(material.storageKey), { force: true });
        throw e;
      }
    } finally {
      if (upload) await rm(upload.path, { force: true });
    }
  }

  async open(
    user: AuthUser,
    applicationId: string,
    materialId: string,
  ): Promise<{ material: Material; stream: ReadStream }> {
    requireReadable(user, await this.applications.findOneBy({ id: applicationId }));
    const material = await this.materials.findOneBy({ id: materialId, applicationId });
    if (!material) throw AppError.notFound('Material');
    return { material, stream: createReadStream(this.pathOf(material.storageKey)) };
  }

  /** A material about a member or a property must name one of this application's. */
  private requireTargets(app: Application, dto: UploadMaterialDto): void {
    const { members, properties } = app.household;
    if (dto.memberIdNumber && !members.some((m) => m.idNumber === dto.memberIdNumber)) {
      throw AppError.unprocessable(
        'UNKNOWN_MEMBER',
        'memberIdNumber is not a member of this household',
      );
    }
    if (dto.propertyId && !properties.some((p) => p.id === dto.propertyId)) {
      throw AppError.unprocessable(
        'UNKNOWN_PROPERTY',
        'propertyId is not a property of this application',
      );
    }
  }

  private pathOf(storageKey: string): string {
    return join(this.config.uploadDir, storageKey);
  }
}
