import { tmuxAvailable } from '../fixtures/cli';
import { sshdAvailable } from '../fixtures/sshd';
import { controlsWithoutName, expect } from './labdesk-web';
import { addAndActivateTarget, testWithServer } from './server-setup';

const test = testWithServer({ scratchPrefix: 'labdesk-e2e-terminal-' });

test.skip(!sshdAvailable(), 'OpenSSH server (/usr/sbin/sshd) is not installed');
test.skip(!tmuxAvailable(), 'tmux is not installed');
test.setTimeout(90_000);

test('a terminal on the server: type, see the output, in the remote folder; the Monitor shows its CPU and memory; Check server', async ({ page, web, sshd }) => {
  await addAndActivateTarget(page, web.remote, sshd);
  await page.getByRole('button', { name: 'Sync now…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Sync to gpu1' });
  await dialog.getByRole('button', { name: /^Sync \d+ files$/ }).click({ timeout: 20_000 });
  await expect(dialog.getByRole('status', { name: 'Sync result' })).toContainText('Uploaded', { timeout: 20_000 });
  await dialog.getByRole('button', { name: 'Close' }).click();

  // A terminal from the palette, backed by tmux on the server.
  await page.keyboard.press('Control+Shift+P');
  await page.getByRole('combobox', { name: 'Command' }).fill('New Terminal');
  await page.keyboard.press('Enter');
  const terminal = page.getByRole('region', { name: 'Terminal gpu1' });
  await expect(terminal).toBeVisible();
  await expect(page.getByRole('tablist', { name: 'Terminals' }).getByRole('tab', { name: 'gpu1' })).toHaveAttribute('aria-selected', 'true');
  await terminal.click();
  await page.keyboard.type('echo "hello from $(pwd): $((6 * 7))"');
  await page.keyboard.press('Enter');
  await expect(terminal.locator('.xterm-rows')).toContainText(`hello from ${web.remote}: 42`, { timeout: 20_000 });
  // Pasted text goes to the shell as typed (the window's paste event, as Ctrl+Shift+V sends it).
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData('text/plain', 'echo "pasted $((1 + 2))"');
    document.querySelector('.xterm-helper-textarea')?.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await page.keyboard.press('Enter');
  await expect(terminal.locator('.xterm-rows')).toContainText('pasted 3');
  // Keys the shell needs stay with the shell: Ctrl+P is not Quick open here.
  await page.keyboard.press('Control+p');
  await expect(page.getByRole('dialog', { name: /Go to file/i })).toHaveCount(0);
  expect(await controlsWithoutName(page)).toEqual([]);

  // The Monitor: the server's CPU and memory (this machine's /proc), and the status bar glance.
  await page.getByRole('button', { name: 'Monitor', exact: true }).click();
  const cpu = page.getByRole('region', { name: 'CPU and memory' });
  await expect(cpu).toContainText(/CPU[\d.]+% of \d+ cores · load [\d.]+ [\d.]+ [\d.]+/, { timeout: 20_000 });
  await expect(cpu).toContainText(/Memory[\d.]+ GiB of [\d.]+ GiB used/);
  await expect(cpu.getByRole('img', { name: /^CPU and memory, last 10 minutes: CPU [\d.]+%, memory [\d.]+%$/ })).toBeVisible();
  await expect(page.getByRole('region', { name: 'GPUs' })).toContainText('No nvidia-smi found on');
  await expect(page.getByRole('button', { name: /^Monitor of gpu1: CPU [\d.]+% · mem \d+%$/ })).toBeVisible();
  expect(await controlsWithoutName(page)).toEqual([]);

  // A second server watched besides the active one: its own glance in the status bar.
  await page.getByRole('button', { name: 'Server', exact: true }).click();
  await page.getByRole('button', { name: 'New server' }).click();
  const form = page.getByRole('form', { name: 'Add a server' });
  await form.getByRole('textbox', { name: 'Name' }).fill('gpu2');
  await form.getByRole('textbox', { name: 'Host' }).fill('127.0.0.1');
  await form.getByRole('textbox', { name: 'Remote folder' }).fill(`${web.remote}-second`);
  await form.getByRole('textbox', { name: 'Port' }).fill(String(sshd.port));
  await form.getByRole('textbox', { name: 'User' }).fill(sshd.username);
  await form.getByRole('textbox', { name: 'Identity file' }).fill(sshd.clientKeyPath);
  await form.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('button', { name: 'Monitor', exact: true }).click();
  await page.getByRole('list', { name: 'Servers to monitor' }).getByRole('checkbox', { name: 'Watch gpu2' }).check();
  await expect(page.getByRole('button', { name: /^Monitor of gpu2: CPU [\d.]+% · mem \d+%$/ })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('heading', { name: 'Monitor: gpu2' })).toBeVisible();
  await page.getByRole('list', { name: 'Servers to monitor' }).getByRole('button', { name: 'gpu1 (active)' }).click();
  await expect(page.getByRole('heading', { name: 'Monitor: gpu1' })).toBeVisible();

  // Check server: what the server has, in one place.
  await page.getByRole('button', { name: 'Server', exact: true }).click();
  await page.getByRole('button', { name: 'Check server' }).click();
  const check = page.getByRole('list', { name: 'Check of gpu1' });
  await expect(check).toContainText(/ssh\s*logged in as/);
  await expect(check).toContainText(/tmux\s*tmux \d/);
  await expect(check).toContainText(/python\s*Python 3/);
  await expect(page.getByRole('button', { name: 'Set up server' })).toBeDisabled();

  // Closing the terminal ends its shell.
  await page.getByRole('button', { name: 'Close terminal gpu1' }).click();
  await expect(terminal).toHaveCount(0);
});
