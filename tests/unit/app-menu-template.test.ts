import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildMenuTemplate, type MenuOptions } from '../../main/app/menu-template';

type MenuItemConstructorOptions = ReturnType<typeof buildMenuTemplate>[number];

function options(overrides: Partial<MenuOptions> = {}): MenuOptions {
  return { isMac: false, isDev: false, newWindow: () => {}, openFolder: () => {}, ...overrides };
}

function items(template: readonly MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}

const roles = (template: readonly MenuItemConstructorOptions[]) => items(template).map((item) => item.role).filter(Boolean);
const labels = (template: readonly MenuItemConstructorOptions[]) => items(template).map((item) => item.label).filter(Boolean);

describe('buildMenuTemplate', () => {
  it('has File, Edit, View and Window menus', () => {
    assert.deepEqual(buildMenuTemplate(options()).map((item) => item.label), ['&File', '&Edit', '&View', '&Window']);
  });

  it('packaged builds have no reload and no developer tools', () => {
    const packaged = roles(buildMenuTemplate(options({ isDev: false })));
    for (const role of ['reload', 'forceReload', 'toggleDevTools']) assert.equal(packaged.includes(role as never), false, role);
    const dev = roles(buildMenuTemplate(options({ isDev: true })));
    for (const role of ['reload', 'forceReload', 'toggleDevTools']) assert.equal(dev.includes(role as never), true, role);
  });

  it('Edit has the standard roles', () => {
    const all = roles(buildMenuTemplate(options()));
    for (const role of ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']) assert.ok(all.includes(role as never), role);
  });

  it('Open Folder… asks for the clicked-from window; New Window opens one', () => {
    const seen: unknown[] = [];
    let opened = 0;
    const template = buildMenuTemplate(options({ openFolder: (window) => seen.push(window), newWindow: () => (opened += 1) }));
    const all = items(template);
    const openFolder = all.find((item) => item.label === 'Open Folder…');
    const fakeWindow = { id: 3 };
    (openFolder?.click as unknown as (item: unknown, window: unknown, event: unknown) => void)({}, fakeWindow, {});
    assert.deepEqual(seen, [fakeWindow]);
    (all.find((item) => item.label === 'New Window')?.click as unknown as () => void)();
    assert.equal(opened, 1);
  });

  it('does not register shortcuts the renderer owns (Ctrl/Cmd+W closes an editor tab)', () => {
    const all = items(buildMenuTemplate(options()));
    assert.equal(all.some((item) => item.accelerator === 'CmdOrCtrl+W'), false);
    assert.equal(all.some((item) => item.role === 'windowMenu'), false, 'windowMenu adds Close on Ctrl+W on Linux/Windows');
    const openFolder = all.find((item) => item.label === 'Open Folder…');
    assert.equal(openFolder?.registerAccelerator, false);
    assert.equal(all.find((item) => item.role === 'close')?.accelerator, 'CmdOrCtrl+Shift+W');
  });

  it('Quit sits in File except on macOS, which gets the app menu', () => {
    assert.ok(roles(buildMenuTemplate(options({ isMac: false }))).includes('quit'));
    const mac = buildMenuTemplate(options({ isMac: true }));
    assert.equal(mac[0]?.role, 'appMenu');
    assert.equal(roles(mac).includes('quit'), false);
    assert.ok(labels(mac).includes('Open Folder…'));
  });
});
