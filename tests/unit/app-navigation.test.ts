import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APP_INDEX_URL, APP_ORIGIN, isAppUrl, originOf } from '../../main/app/app-origin';
import { isAllowedNavigation, isAllowedPermission } from '../../main/app/navigation-policy';

const ORIGINS = [APP_ORIGIN];

describe('originOf', () => {
  it('computes origins for the custom scheme, which Node reports as "null"', () => {
    assert.equal(new URL(APP_INDEX_URL).origin, 'null');
    assert.equal(originOf(APP_INDEX_URL), 'app://labdesk');
    assert.equal(originOf('app://LABDESK/x'), 'app://labdesk');
    assert.equal(originOf('https://example.com:8443/a?b'), 'https://example.com:8443');
  });

  it('has no origin for file:, data:, about: and garbage', () => {
    for (const url of ['file:///etc/passwd', 'data:text/html,hi', 'about:blank', 'javascript:alert(1)', '', '::']) {
      assert.equal(originOf(url), null, url);
    }
  });
});

describe('isAllowedNavigation (will-navigate / will-redirect)', () => {
  it('allows the app’s own pages (reload, index)', () => {
    assert.equal(isAllowedNavigation(APP_INDEX_URL, ORIGINS), true);
    assert.equal(isAllowedNavigation('app://labdesk/', ORIGINS), true);
    assert.equal(isAllowedNavigation('app://labdesk/index.html#/files', ORIGINS), true);
  });

  it('compares origins, not prefixes', () => {
    for (const url of [
      'app://labdesk.evil.example/index.html', // startsWith('app://labdesk') would let this through
      'app://labdesk@evil.example/',
      'app://labdesk:444/index.html',
      'app://labdeskx/',
    ]) {
      assert.equal(isAllowedNavigation(url, ORIGINS), false, url);
    }
    // userinfo does not change the host: this is still our origin.
    assert.equal(isAllowedNavigation('app://user@labdesk/index.html', ORIGINS), true);
  });

  it('refuses the web, files and script URLs', () => {
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:8080/',
      'file:///home/user/project/index.html',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'devtools://devtools/bundled/devtools_app.html',
      'chrome://settings',
    ]) {
      assert.equal(isAllowedNavigation(url, ORIGINS), false, url);
    }
  });

  it('allows a development server only when it is a trusted origin', () => {
    assert.equal(isAllowedNavigation('http://localhost:5173/', ORIGINS), false);
    assert.equal(isAllowedNavigation('http://localhost:5173/', [...ORIGINS, 'http://localhost:5173']), true);
    assert.equal(isAppUrl('http://localhost:5173/', [...ORIGINS, 'http://localhost:5173']), true);
  });
});

describe('isAllowedPermission', () => {
  it('grants only sanitized clipboard writes, and only to the app', () => {
    assert.equal(isAllowedPermission('clipboard-sanitized-write', APP_INDEX_URL, ORIGINS), true);
    assert.equal(isAllowedPermission('clipboard-sanitized-write', 'app://labdesk', ORIGINS), true);
    assert.equal(isAllowedPermission('clipboard-sanitized-write', 'https://example.com/', ORIGINS), false);
    assert.equal(isAllowedPermission('clipboard-sanitized-write', '', ORIGINS), false);
  });

  it('refuses everything else, even to the app', () => {
    for (const permission of ['clipboard-read', 'media', 'geolocation', 'notifications', 'openExternal', 'fullscreen', 'fileSystem', 'unknown']) {
      assert.equal(isAllowedPermission(permission, APP_INDEX_URL, ORIGINS), false, permission);
    }
  });
});
