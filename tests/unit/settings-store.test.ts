import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultConfigDir } from '../../main/settings/config-dir';
import { SettingsStore } from '../../main/settings/settings-store';
import { TempDirs, findTempFiles } from '../fixtures/temp-project';

const DEFAULTS = { theme: 'dark', vimMode: false, recentProjects: [] };

describe('SettingsStore', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('gives defaults when there is no settings file, without creating one', async () => {
    const dir = path.join(await temp.make('labdesk-settings-'), 'not', 'yet');
    assert.deepEqual(await new SettingsStore(dir).get(), DEFAULTS);
    await assert.rejects(readdir(dir), { code: 'ENOENT' });
  });

  it('update persists across a new instance and creates the config folder', async () => {
    const dir = path.join(await temp.make('labdesk-settings-'), 'nested', 'labdesk');
    const first = new SettingsStore(dir);
    assert.deepEqual(await first.update({ theme: 'light' }), { ...DEFAULTS, theme: 'light' });
    assert.deepEqual(await first.update({ vimMode: true }), { ...DEFAULTS, theme: 'light', vimMode: true });
    const reopened = await new SettingsStore(dir).get();
    assert.deepEqual(reopened, { theme: 'light', vimMode: true, recentProjects: [] });
    const onDisk = JSON.parse(await readFile(path.join(dir, 'settings.json'), 'utf8')) as unknown;
    assert.deepEqual(onDisk, reopened);
    assert.deepEqual(await findTempFiles(dir), []);
  });

  it('an empty update changes nothing', async () => {
    const dir = await temp.make('labdesk-settings-');
    const store = new SettingsStore(dir);
    await store.update({ theme: 'light' });
    assert.deepEqual(await store.update({}), { ...DEFAULTS, theme: 'light' });
  });

  it('recent projects: newest first, de-duplicated by path', async () => {
    const dir = await temp.make('labdesk-settings-');
    const store = new SettingsStore(dir);
    await store.rememberProject('/p/a', 'a');
    await store.rememberProject('/p/b', 'b');
    const settings = await store.rememberProject('/p/a', 'a');
    assert.deepEqual(settings.recentProjects.map((p) => p.path), ['/p/a', '/p/b']);
    assert.ok(!Number.isNaN(Date.parse(settings.recentProjects[0]!.openedAt)));
    const reopened = await new SettingsStore(dir).get();
    assert.deepEqual(reopened.recentProjects.map((p) => p.name), ['a', 'b']);
  });

  it('recent projects are capped at 12, dropping the oldest', async () => {
    const dir = await temp.make('labdesk-settings-');
    const store = new SettingsStore(dir);
    for (let i = 1; i <= 15; i++) await store.rememberProject(`/p/${i}`, `project ${i}`);
    const { recentProjects } = await new SettingsStore(dir).get();
    assert.equal(recentProjects.length, 12);
    assert.equal(recentProjects[0]!.path, '/p/15');
    assert.equal(recentProjects[11]!.path, '/p/4');
  });

  const corrupt: [string, string][] = [
    ['not JSON at all', '{"theme": "light", '],
    ['an empty file', ''],
    ['JSON null', 'null'],
    ['a JSON array', '[1, 2, 3]'],
    ['binary garbage', '\u0000\u0001\u00ff'],
  ];
  for (const [what, text] of corrupt) {
    it(`a settings.json that is ${what} falls back to defaults without throwing`, async () => {
      const dir = await temp.make('labdesk-settings-');
      await writeFile(path.join(dir, 'settings.json'), text);
      assert.deepEqual(await new SettingsStore(dir).get(), DEFAULTS);
    });
  }

  it('fields of the wrong type fall back one by one; valid fields are kept', async () => {
    const dir = await temp.make('labdesk-settings-');
    await writeFile(
      path.join(dir, 'settings.json'),
      JSON.stringify({ theme: 'blue', vimMode: true, recentProjects: 'nope', futureField: 1 }),
    );
    assert.deepEqual(await new SettingsStore(dir).get(), { theme: 'dark', vimMode: true, recentProjects: [] });
  });

  it('after a corrupt file, the next update writes a valid one', async () => {
    const dir = await temp.make('labdesk-settings-');
    await writeFile(path.join(dir, 'settings.json'), '{{{');
    await new SettingsStore(dir).update({ vimMode: true });
    assert.deepEqual(await new SettingsStore(dir).get(), { ...DEFAULTS, vimMode: true });
  });

  it('a settings folder that is a file makes update fail loudly, not silently', async () => {
    const base = await temp.make('labdesk-settings-');
    await writeFile(path.join(base, 'config'), 'I am a file');
    const store = new SettingsStore(path.join(base, 'config'));
    assert.deepEqual(await store.get(), DEFAULTS);
    await assert.rejects(store.update({ theme: 'light' }));
    assert.equal(await readFile(path.join(base, 'config'), 'utf8'), 'I am a file');
  });

  it('keeps nothing secret-looking: only the three known fields are written', async () => {
    const dir = await temp.make('labdesk-settings-');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'settings.json'), JSON.stringify({ ...DEFAULTS, password: 'hunter2' }));
    const store = new SettingsStore(dir);
    await store.update({ theme: 'light' });
    const onDisk = JSON.parse(await readFile(path.join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(onDisk).sort(), ['recentProjects', 'theme', 'vimMode']);
  });
});

describe('defaultConfigDir', () => {
  const home = os.homedir();
  const table: [string, NodeJS.ProcessEnv, NodeJS.Platform, string][] = [
    ['LABDESK_CONFIG_DIR wins everywhere', { LABDESK_CONFIG_DIR: '/x/cfg', XDG_CONFIG_HOME: '/y' }, 'linux', '/x/cfg'],
    ['Linux with XDG_CONFIG_HOME', { XDG_CONFIG_HOME: '/y/config' }, 'linux', path.join('/y/config', 'labdesk')],
    ['Linux with an empty XDG_CONFIG_HOME', { XDG_CONFIG_HOME: '' }, 'linux', path.join(home, '.config', 'labdesk')],
    ['Linux default', {}, 'linux', path.join(home, '.config', 'labdesk')],
    ['macOS', {}, 'darwin', path.join(home, 'Library', 'Application Support', 'Labdesk')],
    ['Windows with APPDATA', { APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'win32', path.join('C:\\Users\\me\\AppData\\Roaming', 'Labdesk')],
    ['Windows without APPDATA', {}, 'win32', path.join(home, 'AppData', 'Roaming', 'Labdesk')],
  ];
  for (const [what, env, platform, expected] of table) {
    it(what, () => assert.equal(defaultConfigDir(env, platform), expected));
  }
});
