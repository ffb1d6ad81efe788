/**
 * The import pages' server side: the imports service (same RBAC, limits and
 * parsing as `/api/v1/imports`), the bindings it needs from the load
 * context, and the translation of its file problems into the page's words.
 */
import { type AppLoadContext, data } from '@remix-run/cloudflare';
import { AppError } from '../../worker/lib/errors';
import type { Actor } from '../../worker/modules/identity/actor';
import { hasPermission } from '../../worker/modules/identity/actor';
import { fieldsOf, IMPORT_ENTITIES, type ImportEntity } from '../../worker/modules/imports/imports.fields';
import { CSV_MEDIA_TYPE, MAX_FILE_BYTES, XLSX_MEDIA_TYPE } from '../../worker/modules/imports/imports.limits';
import type { Upload } from '../../worker/modules/imports/imports.service';
import { ImportFileMissing, readParsed } from '../../worker/modules/imports/imports.storage';
import { actionFailure } from './errors.server';
import type { FormFailure } from './forms';
import type { Translate } from './i18n';
import { type ImportTranslate, importFieldLabel, isImportMessageKey } from './i18n-imports';
import type { MappableField } from './imports.forms';

export { IMPORT_ENTITIES, type ImportEntity } from '../../worker/modules/imports/imports.fields';
export { MAX_STORED_ERRORS } from '../../worker/modules/imports/imports.limits';
export {
  commitImport,
  errorReport,
  getImport,
  listImports,
  previewImport,
  updateMapping,
  uploadImport,
} from '../../worker/modules/imports/imports.service';

/** The bucket holding uploaded files and the queue the commit is sent to. */
export function importBindings(context: AppLoadContext): { bucket: R2Bucket; queue: Queue } {
  return { bucket: context.cloudflare.env.EXPORTS_BUCKET, queue: context.cloudflare.env.IMPORTS_QUEUE };
}

/** The entities the actor may import. */
export function importableEntities(actor: Actor): ImportEntity[] {
  return IMPORT_ENTITIES.filter((entity) => hasPermission(actor, entity, 'import'));
}

/** The fields of an entity, named in the viewer's language. */
export function mappableFields(entity: ImportEntity, it: ImportTranslate): MappableField[] {
  return fieldsOf(entity).map((field) => ({
    key: field.key,
    label: importFieldLabel(it, field.key, field.label),
    required: field.required,
  }));
}

/** Multipart bodies carry a little more than the file: refuse anything clearly over the limit unread. */
const MAX_UPLOAD_BODY = MAX_FILE_BYTES + 64 * 1024;

function failure(formError: string, fieldErrors: Record<string, string> = {}): FormFailure {
  return { ok: false, formError, fieldErrors, intent: 'upload' };
}

/**
 * Reads the upload form: the entity and the file, its media type taken from
 * the extension (browsers send `application/vnd.ms-excel` or nothing for CSV
 * on some systems). Returns the service's Upload, or a failure to show.
 */
export async function readUploadForm(
  request: Request,
  allowed: readonly ImportEntity[],
  t: Translate,
  it: ImportTranslate,
): Promise<{ upload: Upload } | { failure: FormFailure; status: number }> {
  if (Number(request.headers.get('Content-Length') ?? '0') > MAX_UPLOAD_BODY) {
    return {
      failure: failure(it('imports.err.tooLarge'), { file: it('imports.err.tooLarge') }),
      status: 413,
    };
  }
  const form = await request.formData();
  const entity = form.get('entity');
  const file = form.get('file');
  const fieldErrors: Record<string, string> = {};
  if (typeof entity !== 'string' || !(allowed as readonly string[]).includes(entity)) {
    fieldErrors.entity = it('imports.err.entity');
  }
  if (!(file instanceof File) || file.size === 0 || !file.name) {
    fieldErrors.file =
      file instanceof File && file.name ? it('imports.err.empty_file') : it('imports.err.file');
  }
  if (Object.keys(fieldErrors).length > 0 || !(file instanceof File)) {
    return { failure: failure(t('errors.form'), fieldErrors), status: 422 };
  }
  const extension = file.name.toLowerCase().split('.').pop() ?? '';
  let contentType: string;
  if (extension === 'csv' || extension === 'txt') contentType = CSV_MEDIA_TYPE;
  else if (extension === 'xlsx') contentType = XLSX_MEDIA_TYPE;
  else {
    const message = extension === 'xls' ? it('imports.err.xls') : it('imports.err.type');
    return { failure: failure(message, { file: message }), status: 415 };
  }
  if (file.size > MAX_FILE_BYTES) {
    return {
      failure: failure(it('imports.err.tooLarge'), { file: it('imports.err.tooLarge') }),
      status: 413,
    };
  }
  return {
    upload: {
      entity: entity as ImportEntity,
      contentType,
      fileName: file.name,
      bytes: new Uint8Array(await file.arrayBuffer()),
    },
  };
}

/**
 * An upload refused by the service: file problems (422 with a code) are
 * worded per code, with the service's precise detail (row numbers, header
 * names) underneath; size and type refusals likewise; the rest as usual.
 */
export function uploadFailure(error: unknown, request: Request, t: Translate, it: ImportTranslate) {
  if (error instanceof AppError) {
    if (error.code === 'PAYLOAD_TOO_LARGE') {
      return data(failure(it('imports.err.tooLarge'), { file: it('imports.err.tooLarge') }), { status: 413 });
    }
    if (error.code === 'UNSUPPORTED_MEDIA_TYPE') {
      return data(failure(it('imports.err.type'), { file: it('imports.err.type') }), { status: 415 });
    }
    if (error.code === 'FORBIDDEN') {
      return data(failure(it('imports.err.forbidden')), { status: 403 });
    }
    if (error.code === 'VALIDATION_FAILED') {
      const code = error.errors?.[0]?.code ?? '';
      const key = `imports.err.${code}`;
      const message = isImportMessageKey(key) ? it(key) : it('imports.err.unknown');
      return data(
        failure(`${message} ${it('imports.err.detail', { detail: error.detail })}`, { file: message }),
        { status: 422 },
      );
    }
  }
  return actionFailure(error, request, { t, intent: 'upload' });
}

/** A few values of each column (first rows with a value), to help map it. */
export async function columnSamples(
  bucket: R2Bucket,
  job: { id: string; fileType: 'csv' | 'xlsx'; headers: string[] },
  perColumn = 2,
): Promise<string[][]> {
  const parsed = await readParsed(bucket, job.id, job.fileType).catch((error: unknown) => {
    if (error instanceof ImportFileMissing) return null;
    throw error;
  });
  return job.headers.map((_, index) => {
    const values: string[] = [];
    for (const row of parsed?.rows ?? []) {
      const cell = row.cells[index]?.trim();
      if (cell) values.push(cell.length > 60 ? `${cell.slice(0, 59)}…` : cell);
      if (values.length >= perColumn) break;
    }
    return values;
  });
}
