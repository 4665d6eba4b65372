import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built renderer inside this package (made by `npm run build`, which `npm ci` runs). */
export const BUILT_RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

export function rendererIsBuilt(dir = BUILT_RENDERER_DIR): boolean {
  return existsSync(`${dir}/index.html`);
}
