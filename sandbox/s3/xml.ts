import { XMLParser } from 'fast-xml-parser';
import { S3Error, s3err } from './errors';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** `<Tag>value</Tag>` for each defined entry, in order. */
export function tags(fields: Record<string, string | number | boolean | undefined | null>): string {
  let out = '';
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) out += `<${k}>${esc(String(v))}</${k}>`;
  return out;
}

export function doc(root: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${NS}">${inner}</${root}>`;
}

export function errorXml(err: S3Error, resource: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${tags({ Code: err.code, Message: err.message, ...err.extra, Resource: resource, RequestId: requestId })}</Error>`;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  // Numeric references such as &#34; (rclone writes ETags as &#34;…&#34;) must decode too.
  htmlEntities: true,
  isArray: (name) => name === 'Part' || name === 'Object',
});

/** Parses a request body; anything unparsable is S3's MalformedXML. */
export function parseXml(body: string): Record<string, unknown> {
  try {
    const out: unknown = parser.parse(body, true);
    if (typeof out !== 'object' || out === null) throw s3err.malformedXml();
    return out as Record<string, unknown>;
  } catch (err) {
    if (err instanceof S3Error) throw err;
    throw s3err.malformedXml();
  }
}
