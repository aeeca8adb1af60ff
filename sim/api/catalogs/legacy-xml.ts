import type { Request, Response } from 'express';
import { XMLBuilder } from 'fast-xml-parser';

/**
 * The legacy API's XML representation, served when the client asks for it (`Accept: application/*+xml`, as
 * go-vcloud-director always does: `types/v56/constants.go` `AnyXMLMime511`, and `govcd/api.go` sends the
 * resource's `+xml` media type). Elements are in the vCloud namespace, OVF sections in the OVF envelope namespace
 * with the `ovf:` prefix, as `types/v56` declares them (`ProductSectionList`, `VAppTemplate`, `Vm`).
 */
export const vcloudNamespace = 'http://www.vmware.com/vcloud/v1.5';
export const ovfNamespace = 'http://schemas.dmtf.org/ovf/envelope/1';
const xmlNamespaces = { '@xmlns': vcloudNamespace, '@xmlns:ovf': ovfNamespace } as const;

/** An element as the builder takes it: attributes prefixed `@`, child elements by name, text as `#text`. */
export type XmlElement = {
  [name: string]: string | number | boolean | XmlElement | XmlElement[] | undefined;
};

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
});

/** True when the first JSON or XML media range of `Accept` is an XML one (`application/*+xml`, `…+xml`, `…/xml`). */
export function wantsXml(req: Request): boolean {
  for (const range of (req.get('accept') ?? '').split(',')) {
    const media = range.split(';')[0]!.trim().toLowerCase();
    if (media.endsWith('+xml') || media.endsWith('/xml')) return true;
    if (media.endsWith('+json') || media.endsWith('/json')) return false;
  }
  return false;
}

/** The XML media type of a legacy `+json` one. */
export function xmlMedia(jsonMedia: string): string {
  return jsonMedia.replace(/\+json$/, '+xml');
}

/** Answers one root element (namespaces added) with its XML media type and the negotiated version. */
export function sendLegacyXml(
  req: Request,
  res: Response,
  jsonMedia: string,
  rootName: string,
  root: XmlElement,
  status = 200,
): void {
  const document = builder.build({ [rootName]: { ...xmlNamespaces, ...root } }) as string;
  res.status(status).setHeader('Content-Type', `${xmlMedia(jsonMedia)};version=${req.apiVersion}`);
  res.end(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${document}`);
}

/** A `<Link>` element. */
export function xmlLink(rel: string, hrefValue: string, jsonMedia: string | null): XmlElement {
  return { '@rel': rel, '@href': hrefValue, ...(jsonMedia ? { '@type': xmlMedia(jsonMedia) } : {}) };
}
