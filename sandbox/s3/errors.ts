/** An S3 error answered as `<Error><Code>…` XML; the AWS SDKs turn Code into `error.name`. */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly extra: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const s3err = {
  accessDenied: (msg = 'Access Denied') => new S3Error('AccessDenied', msg, 403),
  invalidAccessKey: () => new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403),
  signatureMismatch: () =>
    new S3Error(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      403,
    ),
  // Real S3 answers ExpiredToken with 400 (not 403): clients must key on the code.
  expiredToken: () => new S3Error('ExpiredToken', 'The provided token has expired.', 400),
  invalidToken: () => new S3Error('InvalidToken', 'The provided token is malformed or otherwise invalid.', 400),
  noSuchBucket: (bucket: string) => new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket }),
  noSuchKey: (key: string) => new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key }),
  noSuchUpload: (id: string) =>
    new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', 404, {
      UploadId: id,
    }),
  invalidArgument: (msg: string) => new S3Error('InvalidArgument', msg, 400),
  invalidRequest: (msg: string) => new S3Error('InvalidRequest', msg, 400),
  malformedXml: () => new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.', 400),
  badDigest: (msg = 'The Content-MD5 you specified did not match what we received.') => new S3Error('BadDigest', msg, 400),
  sha256Mismatch: (client: string, computed: string) =>
    new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400, {
      ClientComputedContentSHA256: client,
      S3ComputedContentSHA256: computed,
    }),
  incompleteBody: () => new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.', 400),
  invalidPart: () =>
    new S3Error(
      'InvalidPart',
      "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
      400,
    ),
  invalidPartOrder: () => new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', 400),
  entityTooSmall: () => new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', 400),
  invalidRange: (size: number) =>
    new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, { ActualObjectSize: String(size) }, { 'content-range': `bytes */${size}` }),
  notImplemented: () => new S3Error('NotImplemented', 'A header or query you provided implies functionality that is not implemented.', 501),
  methodNotAllowed: () => new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405),
  bucketNotEmpty: (bucket: string) => new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, { BucketName: bucket }),
  invalidBucketName: (bucket: string) => new S3Error('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: bucket }),
  preconditionFailed: () => new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412),
};
