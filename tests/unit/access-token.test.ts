import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import {
  allowedHosts,
  isAllowedOrigin,
  newAccessToken,
  tokenCookieName,
  tokenFromRequest,
  tokensEqual,
} from '../../main/host/access-token';

/** Only `url` and `headers` are read; a real request is exercised in tests/integration/web-host. */
function request(url: string, cookie?: string): IncomingMessage {
  return { url, headers: cookie === undefined ? {} : { cookie } } as IncomingMessage;
}

describe('access token helpers', () => {
  it('new tokens are long, URL-safe and different each time', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => newAccessToken()));
    assert.equal(tokens.size, 50);
    for (const token of tokens) assert.match(token, /^[A-Za-z0-9_-]{32}$/);
  });

  it('tokensEqual compares exactly and refuses empty or missing tokens', () => {
    assert.equal(tokensEqual('abc', 'abc'), true);
    assert.equal(tokensEqual('abc', 'abd'), false);
    assert.equal(tokensEqual('abc', 'abcd'), false);
    assert.equal(tokensEqual('abc', ''), false);
    assert.equal(tokensEqual('abc', null), false);
    assert.equal(tokensEqual('abc', undefined), false);
  });

  it('the cookie name is scoped to the port', () => {
    assert.equal(tokenCookieName(5173), 'labdesk_token_5173');
    assert.notEqual(tokenCookieName(1), tokenCookieName(2));
  });

  it('tokenFromRequest reads ?token= first, then only this port\'s cookie', () => {
    assert.deepEqual(tokenFromRequest(request('/?token=q1'), 80), { token: 'q1', fromQuery: true });
    assert.deepEqual(tokenFromRequest(request('/?token=q1', 'labdesk_token_80=c1'), 80), { token: 'q1', fromQuery: true });
    assert.deepEqual(tokenFromRequest(request('/', 'a=b; labdesk_token_80=c1=x; c=d'), 80), { token: 'c1=x', fromQuery: false });
    assert.deepEqual(tokenFromRequest(request('/', 'labdesk_token_81=c1'), 80), { token: null, fromQuery: false });
    assert.deepEqual(tokenFromRequest(request('/'), 80), { token: null, fromQuery: false });
  });

  it('allowed hosts are the loopback names with our port only', () => {
    assert.deepEqual([...allowedHosts(4000)].sort(), ['127.0.0.1:4000', '[::1]:4000', 'localhost:4000']);
  });

  const origins: [string | undefined, boolean][] = [
    ['http://127.0.0.1:4000', true],
    ['http://localhost:4000', true],
    ['http://[::1]:4000', true],
    ['http://127.0.0.1:4001', false],
    ['https://127.0.0.1:4000', false],
    ['http://evil.example', false],
    ['http://127.0.0.1.evil.example:4000', false],
    ['null', false],
    ['', false],
    [undefined, false],
  ];
  for (const [origin, allowed] of origins) {
    it(`Origin ${JSON.stringify(origin)} is ${allowed ? 'allowed' : 'refused'}`, () => {
      assert.equal(isAllowedOrigin(origin, 4000), allowed);
    });
  }
});
