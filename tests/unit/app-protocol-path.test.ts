import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { rendererFileForUrl } from '../../main/app/app-protocol-path';
import { contentTypeFor } from '../../main/host/content-types';

const ROOT = path.resolve('/opt/labdesk/out/renderer');
const inRoot = (...segments: string[]) => path.join(ROOT, ...segments);

function isInsideRoot(file: string): boolean {
  const relative = path.relative(ROOT, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

describe('rendererFileForUrl', () => {
  it('maps app://labdesk/ paths to files of the built renderer', () => {
    assert.equal(rendererFileForUrl(ROOT, 'app://labdesk/index.html'), inRoot('index.html'));
    assert.equal(rendererFileForUrl(ROOT, 'app://labdesk/assets/index-abc123.js'), inRoot('assets', 'index-abc123.js'));
    assert.equal(rendererFileForUrl(ROOT, 'app://labdesk/assets/codicon.ttf?v=1#x'), inRoot('assets', 'codicon.ttf'));
    assert.equal(rendererFileForUrl(ROOT, 'app://labdesk/my%20file.css'), inRoot('my file.css'));
  });

  it('serves index.html for the bare origin', () => {
    assert.equal(rendererFileForUrl(ROOT, 'app://labdesk/'), inRoot('index.html'));
    assert.equal(rendererFileForUrl(ROOT, 'app://labdesk'), inRoot('index.html'));
  });

  it('accepts the host in any case (Chromium lowercases it anyway)', () => {
    assert.equal(rendererFileForUrl(ROOT, 'app://LabDesk/index.html'), inRoot('index.html'));
  });

  it('refuses other hosts, ports and schemes', () => {
    for (const url of [
      'app://other/index.html',
      'app://labdesk.evil/index.html',
      'app://labdesk:1234/index.html',
      'file:///opt/labdesk/out/renderer/index.html',
      'https://labdesk/index.html',
      'not a url',
    ]) {
      assert.equal(rendererFileForUrl(ROOT, url), null, url);
    }
  });

  it('refuses percent-encoded traversal the URL parser leaves in place', () => {
    for (const url of [
      'app://labdesk/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'app://labdesk/%2E%2E%2Fsecret',
      'app://labdesk/assets/..%2f..%2f..%2fetc/passwd',
      'app://labdesk/assets%2f..%2f..%2fsecret',
      'app://labdesk/..%5c..%5cwindows%5cwin.ini',
      'app://labdesk/assets%5cindex.js',
      'app://labdesk/index.html%00.png',
      'app://labdesk/%E0%A4%A', // malformed escape
    ]) {
      assert.equal(rendererFileForUrl(ROOT, url), null, url);
    }
  });

  it('never leaves the renderer folder for literal or encoded dot segments', () => {
    for (const url of [
      'app://labdesk/../../etc/passwd',
      'app://labdesk/%2e%2e/%2e%2e/etc/passwd',
      'app://labdesk/assets/.%2e/.%2e/.%2e/etc/passwd',
      'app://labdesk/./index.html',
    ]) {
      const file = rendererFileForUrl(ROOT, url);
      assert.ok(file === null || isInsideRoot(file), `${url} → ${file}`);
    }
    // The parser already folded these into the root, so they are plain (missing) files there.
    assert.equal(rendererFileForUrl(ROOT, 'app://labdesk/../../etc/passwd'), inRoot('etc', 'passwd'));
  });

  it('refuses absolute paths and drive letters', () => {
    for (const url of [
      'app://labdesk//etc/passwd',
      'app://labdesk/%2fetc%2fpasswd',
      'app://labdesk/C:/Windows/win.ini',
      'app://labdesk/c:%5cWindows%5cwin.ini',
      'app://labdesk/%5c%5cserver%5cshare',
    ]) {
      assert.equal(rendererFileForUrl(ROOT, url), null, url);
    }
  });
});

describe('contentTypeFor', () => {
  it('names the types the renderer build produces', () => {
    assert.equal(contentTypeFor('/x/index.html'), 'text/html; charset=utf-8');
    assert.equal(contentTypeFor('/x/a.JS'), 'text/javascript; charset=utf-8');
    assert.equal(contentTypeFor('/x/a.css'), 'text/css; charset=utf-8');
    assert.equal(contentTypeFor('/x/codicon.ttf'), 'font/ttf');
    assert.equal(contentTypeFor('/x/unknown.bin'), 'application/octet-stream');
  });
});
