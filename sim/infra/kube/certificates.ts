import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  boolean,
  explicit,
  objectIdentifier,
  octetString,
  sequence,
  set,
  smallInteger,
  time,
  tlv,
  unsignedInteger,
  utf8String,
} from './der.ts';

/** PEM material of a cluster's API server: its own CA (as kubeadm makes) and a serving certificate. */
export interface ServingCertificates {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const oid = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
};

const name = (commonName: string): Buffer =>
  sequence(set(sequence(objectIdentifier(oid.commonName), utf8String(commonName))));

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  sequence(objectIdentifier(id), ...(critical ? [boolean(true)] : []), octetString(value));

/** keyUsage bits, most significant first: digitalSignature(0), keyEncipherment(2), keyCertSign(5), cRLSign(6). */
function keyUsage(bits: number[]): Buffer {
  let byte = 0;
  for (const bit of bits) byte |= 0x80 >> bit;
  const unused = Math.min(7, ...bits.map((bit) => 7 - bit));
  return tlv(0x03, Buffer.from([unused, byte]));
}

function subjectAltNames(hosts: string[]): Buffer {
  return sequence(
    ...hosts.map((host) => {
      if (isIP(host) === 4) return tlv(0x87, Buffer.from(host.split('.').map(Number)));
      return tlv(0x82, Buffer.from(host, 'ascii'));
    }),
  );
}

function keyId(publicKey: KeyObject): Buffer {
  return createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest();
}

function certificate(input: {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  authorityKeyId: Buffer;
  extensions: Buffer[];
  validFrom: Date;
  validTo: Date;
}): string {
  const signatureAlgorithm = sequence(objectIdentifier(oid.ecdsaWithSha256));
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    signatureAlgorithm,
    name(input.issuer),
    sequence(time(input.validFrom), time(input.validTo)),
    name(input.subject),
    input.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(
      3,
      sequence(
        ...input.extensions,
        extension(oid.subjectKeyIdentifier, false, octetString(keyId(input.publicKey))),
        extension(oid.authorityKeyIdentifier, false, sequence(tlv(0x80, input.authorityKeyId))),
      ),
    ),
  );
  const signature = sign('sha256', tbs, input.signingKey);
  const der = sequence(tbs, signatureAlgorithm, bitString(signature));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * A fresh CA (`CN=kubernetes`, like kubeadm's) and a serving certificate for `hosts` (IPs and DNS
 * names) signed by it, both ECDSA P-256, valid from an hour ago for a year.
 */
export function createServingCertificates(hosts: string[], now = new Date()): ServingCertificates {
  const validFrom = new Date(now.getTime() - 60 * 60_000);
  const validTo = new Date(now.getTime() + 365 * 24 * 60 * 60_000);
  const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const server = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caPem = certificate({
    subject: 'kubernetes',
    issuer: 'kubernetes',
    publicKey: ca.publicKey,
    signingKey: ca.privateKey,
    authorityKeyId: keyId(ca.publicKey),
    validFrom,
    validTo,
    extensions: [
      extension(oid.basicConstraints, true, sequence(boolean(true))),
      extension(oid.keyUsage, true, keyUsage([0, 5, 6])),
    ],
  });
  const certPem = certificate({
    subject: 'kube-apiserver',
    issuer: 'kubernetes',
    publicKey: server.publicKey,
    signingKey: ca.privateKey,
    authorityKeyId: keyId(ca.publicKey),
    validFrom,
    validTo,
    extensions: [
      extension(oid.basicConstraints, true, sequence()),
      extension(oid.keyUsage, true, keyUsage([0, 2])),
      extension(oid.extKeyUsage, false, sequence(objectIdentifier(oid.serverAuth))),
      extension(oid.subjectAltName, false, subjectAltNames([...new Set(hosts)])),
    ],
  });
  const keyPem = server.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { caPem, certPem, keyPem };
}
