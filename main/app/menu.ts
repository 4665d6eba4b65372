import { Menu } from 'electron';
import { type MenuOptions, buildMenuTemplate } from './menu-template';

export function installApplicationMenu(options: MenuOptions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(options)));
}
