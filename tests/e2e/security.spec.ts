import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, test, treeItem } from './labdesk-web';

test('a path that leaves the workspace is refused with a clear error', async ({ page, web }) => {
  // Through the UI: a new file named with "..".
  await page.getByRole('button', { name: 'New File' }).click();
  await page.getByLabel(/^Name/).fill('../escaped.txt');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'goes above the workspace folder' })).toBeVisible();
  expect(existsSync(path.join(path.dirname(web.project), 'escaped.txt'))).toBe(false);

  // Through a symlink that points outside.
  await treeItem(page, `secret-link.txt, symbolic link to ${path.join(web.outside, 'secret.txt')}`).click();
  await expect(page.getByRole('alert').filter({ hasText: 'outside the workspace' }).first()).toBeVisible();

  // Straight at the API, as a compromised renderer would: absolute, "..", and through a link.
  const codes = await page.evaluate(async () => {
    const socket = new WebSocket(`ws://${location.host}/api`);
    await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
    const call = (id: number, method: string, arg: unknown) =>
      new Promise<{ ok: boolean; error?: { code: string; argument?: string } }>((resolve) => {
        socket.addEventListener('message', function listener(message) {
          const data = JSON.parse(String(message.data)) as { id?: number; result?: never };
          if (data.id === id) {
            socket.removeEventListener('message', listener);
            resolve(data.result as never);
          }
        });
        socket.send(JSON.stringify({ id, method, arg }));
      });
    const results = [
      await call(1, 'workspace.read', { path: '../datadisk/secret.txt' }),
      await call(2, 'workspace.read', { path: '/etc/passwd' }),
      await call(3, 'workspace.write', { path: 'data/pwned.txt', text: 'x' }),
      await call(4, 'workspace.read', { path: 42 }),
    ];
    socket.close();
    return results.map((result) => `${result.error?.code}:${result.error?.argument ?? ''}`);
  });
  expect(codes).toEqual(['outside-workspace:path', 'outside-workspace:path', 'outside-workspace:path', 'bad-argument:path']);
  expect(existsSync(path.join(web.outside, 'pwned.txt'))).toBe(false);
});

test('the web host refuses connections without the token', async ({ page, web, browser }) => {
  // Plain HTTP without and with a wrong token.
  expect((await page.request.get(`${web.origin}/`, { maxRedirects: 0 })).status()).toBe(200); // this page's cookie
  const stranger = await browser.newContext();
  expect((await stranger.request.get(`${web.origin}/`)).status()).toBe(401);
  expect((await stranger.request.get(`${web.origin}/?token=wrong`)).status()).toBe(401);
  expect((await stranger.request.get(`${web.origin}/assets/`)).status()).toBe(401);

  // A WebSocket from a page that has no token never opens.
  const strangerPage = await stranger.newPage();
  await strangerPage.route(`${web.origin}/blank`, (route) => route.fulfill({ body: '<title>x</title>', contentType: 'text/html' }));
  await strangerPage.goto(`${web.origin}/blank`);
  const outcome = await strangerPage.evaluate(
    (origin) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(`${origin.replace('http', 'ws')}/api?token=wrong`);
        socket.addEventListener('open', () => resolve('opened'));
        socket.addEventListener('close', () => resolve('refused'));
      }),
    web.origin,
  );
  expect(outcome).toBe('refused');
  await stranger.close();
});
