/**
 * Where an import's files live in R2 (EXPORTS_BUCKET, under `imports/<job id>/`):
 * the original upload, its parsed rows (parsed once at upload, so previews and
 * the commit never re-read an XLSX), and every row the commit rejected (for the error report).
 */
import type { FileType, ParsedFile } from './imports.parser';

export function importKeys(jobId: string, fileType: FileType) {
  const folder = `imports/${jobId}`;
  return {
    file: `${folder}/source.${fileType}`,
    rows: `${folder}/rows.json`,
    rejected: `${folder}/rejected.json`,
  };
}

/** The parsed rows of an upload are gone (deleted from the bucket, or never written). */
export class ImportFileMissing extends Error {
  override name = 'ImportFileMissing';
}

export async function storeUpload(
  bucket: R2Bucket,
  jobId: string,
  upload: { bytes: Uint8Array; contentType: string; fileName: string },
  parsed: ParsedFile,
): Promise<string> {
  const keys = importKeys(jobId, parsed.fileType);
  await Promise.all([
    bucket.put(keys.file, upload.bytes, {
      httpMetadata: { contentType: upload.contentType },
      customMetadata: { fileName: upload.fileName },
    }),
    bucket.put(keys.rows, JSON.stringify(parsed), { httpMetadata: { contentType: 'application/json' } }),
  ]);
  return keys.file;
}

export async function readParsed(bucket: R2Bucket, jobId: string, fileType: FileType): Promise<ParsedFile> {
  const object = await bucket.get(importKeys(jobId, fileType).rows);
  if (!object) throw new ImportFileMissing(`rows of import ${jobId} not found in the bucket`);
  return (await object.json()) as ParsedFile;
}

export async function storeRejected(
  bucket: R2Bucket,
  jobId: string,
  fileType: FileType,
  rejected: readonly { row: number; reasons: string[] }[],
): Promise<void> {
  await bucket.put(importKeys(jobId, fileType).rejected, JSON.stringify(rejected), {
    httpMetadata: { contentType: 'application/json' },
  });
}

export async function readRejected(
  bucket: R2Bucket,
  jobId: string,
  fileType: FileType,
): Promise<{ row: number; reasons: string[] }[] | null> {
  const object = await bucket.get(importKeys(jobId, fileType).rejected);
  return object ? ((await object.json()) as { row: number; reasons: string[] }[]) : null;
}
