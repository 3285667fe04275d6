export interface SandboxStats {
  /** Requests per "METHOD /route/pattern/" on the API side. */
  api: Record<string, number>;
  /** Requests per S3 operation name (PutObject, UploadPart, …). */
  s3: Record<string, number>;
  /** UploadPart calls per upload id and part number (retries show up as counts > 1). */
  uploadParts: Record<string, Record<string, number>>;
  faultsFired: number;
  throttled: number;
  /** S3 requests refused because they were signed for another region than the bucket's. */
  regionErrors: number;
  /** Azure mode: requests through the blob proxy per operation (PutBlock, PutBlockList, GetBlob, …). */
  azure: Record<string, number>;
  /** Azure mode: Put Block calls per `<container>/<blob>` and block id (retries show up as counts > 1). */
  azureBlocks: Record<string, Record<string, number>>;
  /** Azure mode: Get Blob calls with a Range (or x-ms-range) header. */
  azureRangedGets: number;
  /** Azure mode: requests refused at the proxy because their SAS was revoked. */
  azureRevokedSas: number;
  /** Azure mode: requests refused at the proxy because their SAS had expired (`se` passed). */
  azureExpiredSas: number;
  /** Azure mode: requests refused because a container SAS was used outside the user's storageDir. */
  azureOutOfScope: number;
}

/** One more in a counter map. */
function bump<K>(m: Map<K, number>, key: K): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

/** One more in a two-level counter map (per upload or blob, then per part or block). */
function bumpIn<K>(m: Map<string, Map<K, number>>, outer: string, key: K): void {
  let inner = m.get(outer);
  if (!inner) m.set(outer, (inner = new Map()));
  bump(inner, key);
}

export class Stats {
  private api = new Map<string, number>();
  private s3 = new Map<string, number>();
  private parts = new Map<string, Map<number, number>>();
  private azure = new Map<string, number>();
  private blocks = new Map<string, Map<string, number>>();
  azureRangedGets = 0;
  azureRevokedSas = 0;
  azureExpiredSas = 0;
  azureOutOfScope = 0;
  faultsFired = 0;
  throttled = 0;
  regionErrors = 0;

  countApi(key: string): void {
    bump(this.api, key);
  }

  countS3(op: string): void {
    bump(this.s3, op);
  }

  countPart(uploadId: string, partNumber: number): void {
    bumpIn(this.parts, uploadId, partNumber);
  }

  countAzure(op: string): void {
    bump(this.azure, op);
  }

  countBlock(blob: string, blockId: string): void {
    bumpIn(this.blocks, blob, blockId);
  }

  snapshot(): SandboxStats {
    const uploadParts: Record<string, Record<string, number>> = {};
    for (const [id, m] of this.parts) uploadParts[id] = Object.fromEntries([...m].map(([n, c]) => [String(n), c]));
    return {
      api: Object.fromEntries(this.api),
      s3: Object.fromEntries(this.s3),
      uploadParts,
      faultsFired: this.faultsFired,
      throttled: this.throttled,
      regionErrors: this.regionErrors,
      azure: Object.fromEntries(this.azure),
      azureBlocks: Object.fromEntries([...this.blocks].map(([b, m]) => [b, Object.fromEntries(m)])),
      azureRangedGets: this.azureRangedGets,
      azureRevokedSas: this.azureRevokedSas,
      azureExpiredSas: this.azureExpiredSas,
      azureOutOfScope: this.azureOutOfScope,
    };
  }

  reset(): void {
    this.api.clear();
    this.s3.clear();
    this.parts.clear();
    this.faultsFired = 0;
    this.throttled = 0;
    this.regionErrors = 0;
    this.azure.clear();
    this.blocks.clear();
    this.azureRangedGets = 0;
    this.azureRevokedSas = 0;
    this.azureExpiredSas = 0;
    this.azureOutOfScope = 0;
  }
}
