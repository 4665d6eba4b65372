import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createWindowOptions } from '../../main/app/window-options';

describe('createWindowOptions', () => {
  it('gives every window the secure webPreferences set', () => {
    const options = createWindowOptions('/app/out/preload/index.cjs');
    assert.deepEqual(options.webPreferences, {
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
    });
  });

  it('sets no option that loosens the renderer', () => {
    const prefs = createWindowOptions('/p.cjs').webPreferences ?? {};
    for (const risky of ['enableBlinkFeatures', 'additionalArguments', 'disableBlinkFeatures', 'partition', 'session']) {
      assert.equal(risky in prefs, false, `${risky} must not be set`);
    }
  });

  it('stays hidden until first paint, titled, with the dark background', () => {
    const options = createWindowOptions('/p.cjs');
    assert.equal(options.show, false);
    assert.equal(options.title, 'Labdesk');
    assert.equal(options.backgroundColor, '#1e1e1e');
    assert.ok((options.width ?? 0) >= 1024 && (options.height ?? 0) >= 700);
    assert.equal('icon' in options, false);
    assert.equal(createWindowOptions('/p.cjs', { icon: '/icons/icon.png' }).icon, '/icons/icon.png');
  });

  it('returns a fresh object each time (no shared mutable defaults)', () => {
    const first = createWindowOptions('/a.cjs');
    const second = createWindowOptions('/b.cjs');
    assert.notEqual(first.webPreferences, second.webPreferences);
    assert.equal(second.webPreferences?.preload, '/b.cjs');
  });
});
