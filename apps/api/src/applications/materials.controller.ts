import {
  Body,
  Controller,
  Get,
  Param,
  Post,
  Res,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { MaterialsService, StoredUpload, UploadMaterialDto } from '@app/applications';
import { AuthUser, CurrentUser, Roles } from '@app/access';
import { createValidationPipe, ParseUuid } from '@app/http';

@ApiTags('applications')
@ApiBearerAuth()
@Controller('applications/:id/materials')
export class MaterialsController {
  private readonly validation = createValidationPipe();

  constructor(private readonly materials: MaterialsService) {}

  /**
   * The file is already on disk (streamed, hashed) when this runs, so the text
   * fields are validated here rather than by the global pipe: a refusal must
   * also remove the file, which MaterialsService.attach guarantees.
   */
  @Post()
  @Roles('applicant')
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(FileInterceptor('file'))
  async upload(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUuid()) id: string,
    @UploadedFile() file: (Express.Multer.File & StoredUpload) | undefined,
    @Body() fields: Record<string, unknown>,
  ) {
    return this.materials.attach(
      user,
      id,
      file,
      () =>
        this.validation.transform(fields, {
          type: 'body',
          metatype: UploadMaterialDto,
        }) as Promise<UploadMaterialDto>,
    );
  }

  @Get(':materialId')
  async download(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUuid()) id: string,
    @Param('materialId', ParseUuid()) materialId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { material, stream } = await this.materials.open(user, id, materialId);
    const extension = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' }[
      material.contentType
    ];
    res.setHeader('Cache-Control', 'private, no-store');
    return new StreamableFile(stream, {
      type: material.contentType,
      length: material.size,
      disposition: `attachment; filename="${material.id}.${extension}"`,
    });
  }
}
