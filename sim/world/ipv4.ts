/** IPv4 arithmetic for pools, uplink ranges and IP spaces. */
export function ipToNumber(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) {
    throw new Error(`not an IPv4 address: ${ip}`);
  }
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function numberToIp(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

export function isIpv4(value: string): boolean {
  try {
    ipToNumber(value);
    return true;
  } catch {
    return false;
  }
}

export function rangeSize(start: string, end: string): number {
  return ipToNumber(end) - ipToNumber(start) + 1;
}

export function inRange(ip: string, start: string, end: string): boolean {
  const value = ipToNumber(ip);
  return value >= ipToNumber(start) && value <= ipToNumber(end);
}

/** Every address of a range, in order (ranges in the seed are small). */
export function expandRange(start: string, end: string): string[] {
  const first = ipToNumber(start);
  const last = ipToNumber(end);
  const result: string[] = [];
  for (let value = first; value <= last; value++) result.push(numberToIp(value));
  return result;
}
