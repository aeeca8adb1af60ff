/**
 * Content negotiation: the API answers JSON only. An `Accept` that admits JSON (including VCD's
 * `application/*+json;version=…` and wildcards) is fine; one that excludes it is a 406.
 */
interface MediaRange {
  type: string;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((piece) => piece.trim());
      const q = params.find((param) => /^q=/i.test(param));
      const quality = q ? Number(q.slice(2)) : 1;
      return { type: type.toLowerCase(), q: Number.isFinite(quality) ? quality : 1 };
    });
}

function admitsJson(type: string): boolean {
  if (type === '*/*' || type === 'application/*' || type === 'application/json') return true;
  // VCD's vendor types: application/*+json, application/vnd.vmware.…+json
  return /^application\/[^/]*\+json$/.test(type);
}

export function acceptsJson(header: string | undefined): boolean {
  if (!header || header.trim() === '') return true;
  return parseAccept(header).some((range) => range.q > 0 && admitsJson(range.type));
}

export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const type = header.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[^/]*\+json$/.test(type);
}
