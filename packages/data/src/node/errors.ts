/** No folder in the search path holds a data set's files. */
export class DatasetNotFoundError extends Error {
  override readonly name = 'DatasetNotFoundError';
  constructor(
    message: string,
    /** Every folder looked in, in search order. */
    readonly searched: readonly string[],
  ) {
    super(message);
  }
}

/** A download failed (HTTP status, network, too many redirects). */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(
    message: string,
    /** Worth trying again (network cut, 5xx) as opposed to final (404, 403). */
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A downloaded file's MD5 differs from the published one; the file was deleted. */
export class ChecksumMismatchError extends Error {
  override readonly name = 'ChecksumMismatchError';
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `checksum mismatch for ${file}: expected MD5 ${expected}, got ${actual}. The file was deleted; ` +
        `fetch again (a mirror may serve a different file, or the download was corrupted)`,
    );
  }
}

/** An optional peer dependency (sharp) is needed for this call but not installed. */
export class MissingOptionalDependencyError extends Error {
  override readonly name = 'MissingOptionalDependencyError';
}

/** An image file that could not be decoded. */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`cannot decode image ${file}: ${reason}`);
  }
}
