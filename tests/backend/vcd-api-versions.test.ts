/**
 * API version negotiation against both forms of `GET /api/versions`: the XML `SupportedVersions` document that
 * go-vcloud-director parses (govcd/api_vcd_versions.go: `VersionInfo` elements with `Version`, `LoginUrl`, a
 * `deprecated` attribute) and its JSON form (@vcd/bindings `SupportedVersionsType`). A real VCD answers XML unless it
 * honours the JSON `Accept`, which the public sources do not settle.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { VcdClient } from '../../backend/vcd/client.ts';

const xmlVersions = `<?xml version="1.0" encoding="UTF-8"?>
<SupportedVersions xmlns="http://www.vmware.com/vcloud/versions" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <VersionInfo deprecated="true"><Version>35.0</Version><LoginUrl>https://vcd.example/api/sessions</LoginUrl></VersionInfo>
  <VersionInfo deprecated="false"><Version>37.2</Version><LoginUrl>https://vcd.example/api/sessions</LoginUrl></VersionInfo>
  <VersionInfo deprecated="false"><Version>38.1</Version><LoginUrl>https://vcd.example/api/sessions</LoginUrl></VersionInfo>
  <VersionInfo deprecated="false"><Version>39.0</Version><LoginUrl>https://vcd.example/api/sessions</LoginUrl></VersionInfo>
</SupportedVersions>`;

describe('API version negotiation', () => {
  let server: Server;
  let url: string;
  let answer: { type: string; body: string };

  before(async () => {
    server = createServer((req, res) => {
      if (req.url !== '/api/versions') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': answer.type }).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads the XML SupportedVersions document go-vcloud-director reads', async () => {
    answer = { type: 'application/*+xml;version=38.1', body: xmlVersions };
    const vcd = new VcdClient({ url, accessToken: 'unused', retries: 0 });
    assert.equal(await vcd.apiVersion(), '38.1');
  });

  it('reads the JSON form of the same document', async () => {
    answer = {
      type: 'application/json',
      body: JSON.stringify({
        versionInfo: [
          { version: '37.2', loginUrl: `${url}/api/sessions`, deprecated: false },
          { version: '38.0', loginUrl: `${url}/api/sessions`, deprecated: false },
        ],
      }),
    };
    const vcd = new VcdClient({ url, accessToken: 'unused', retries: 0 });
    assert.equal(await vcd.apiVersion(), '38.0');
  });
});
