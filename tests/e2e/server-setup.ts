import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test as base, type Page } from '@playwright/test';
import { startSshd, type SshdServer } from '../fixtures/sshd';
import { expect, startLabdeskWeb, type WebApp } from './labdesk-web';

/** Where "the server's" files are: folders here, so a test reads and changes them on disk. */
export interface ServerLayout {
  /** The scratch `server/` folder: the remote root and whatever sits beside it (a data disk). */
  readonly serverDir: string;
  /** The target's remote root, `server/vision-lab`; made by `prepareServer` or the first sync. */
  readonly remote: string;
}

export type ServerWebApp = WebApp & ServerLayout;

/**
 * Playwright's `test` with a real OpenSSH server on loopback (`sshd`) and the real `labdesk web`
 * on the sample project, opened in Chromium (`web`). The app gets an empty SSH config and an empty
 * known_hosts (and no agent), so activating a target always asks "Trust and connect" first.
 * `prepareServer` lays out the server's files before the window opens; what it returns is added
 * to `web`.
 */
export function testWithServer<Extra extends object = Record<never, never>>(options: {
  /** Prefix of the scratch folder in the temp dir, to tell the specs' leftovers apart. */
  readonly scratchPrefix: string;
  readonly prepareServer?: (layout: ServerLayout) => Promise<Extra>;
}) {
  return base.extend<{ sshd: SshdServer; web: ServerWebApp & Extra }>({
    // Playwright reads the fixture's dependencies from this destructuring; this one has none.
    // eslint-disable-next-line no-empty-pattern
    sshd: async ({}, use) => {
      const server = await startSshd();
      await use(server);
      await server.stop();
    },
    web: async ({ page, sshd }, use) => {
      const scratch = await mkdtemp(path.join(os.tmpdir(), options.scratchPrefix));
      const sshConfig = path.join(scratch, 'ssh_config');
      const knownHosts = path.join(scratch, 'known_hosts');
      await writeFile(sshConfig, '');
      await writeFile(knownHosts, ''); // the host key is unknown: the window must ask
      const serverDir = path.join(scratch, 'server');
      const layout: ServerLayout = { serverDir, remote: path.join(serverDir, 'vision-lab') };
      const extra = options.prepareServer ? await options.prepareServer(layout) : ({} as Extra);

      const { app, stop } = await startLabdeskWeb({
        openProject: true,
        env: { LABDESK_SSH_CONFIG: sshConfig, LABDESK_KNOWN_HOSTS: knownHosts, SSH_AUTH_SOCK: undefined },
      });
      await page.goto(app.url);
      await expect(page.getByRole('tree', { name: 'Project files' })).toBeVisible();
      await use({ ...app, ...layout, ...extra });
      await stop();
      await rm(scratch, { recursive: true, force: true });
      void sshd;
    },
  });
}

/** Adds the sshd as target `gpu1` (remote root `remote`), activates it, trusts its key and waits until it is connected. */
export async function addAndActivateTarget(page: Page, remote: string, sshd: SshdServer): Promise<void> {
  await page.getByRole('button', { name: 'Server', exact: true }).click();
  await page.getByRole('button', { name: 'Add a server', exact: true }).click();
  const form = page.getByRole('form', { name: 'Add a server' });
  await form.getByRole('textbox', { name: 'Name' }).fill('gpu1');
  await form.getByRole('textbox', { name: 'Host' }).fill('127.0.0.1');
  await form.getByRole('textbox', { name: 'Remote folder' }).fill(remote);
  await form.getByRole('textbox', { name: 'Port' }).fill(String(sshd.port));
  await form.getByRole('textbox', { name: 'User' }).fill(sshd.username);
  await form.getByRole('textbox', { name: 'Identity file' }).fill(sshd.clientKeyPath);
  await form.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('button', { name: 'Activate gpu1', exact: true }).click();
  await page.getByRole('alertdialog', { name: 'Trust the server 127.0.0.1?' }).getByRole('button', { name: 'Trust and connect' }).click();
  await expect(page.getByRole('button', { name: /^Sync status: gpu1/ })).toHaveAccessibleName(/gpu1 connected/, { timeout: 20_000 });
}
