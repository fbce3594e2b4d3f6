// Two studios (two data dirs, the same creator) edit offline while the server is down, then reconnect:
// both devices' edits are present on both and on the server, including edits to different fields of
// the same post.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { freePort, startServer, startStudio, tempDir, type Proc } from '../processes.js';
import { registerCreator, serverPosts, type Creator } from '../server-copy.js';

async function openSignedIn(browser: Browser, url: string, creator: Creator): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.getByTestId('nav-account').click();
  await page.getByTestId('signin-email').fill(creator.email);
  await page.getByTestId('signin-password').fill(creator.password);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'synced');
  await page.getByTestId('nav-posts').click();
  return page;
}

test('two studios edit the same catalog offline and both edits survive the merge', async ({ browser }) => {
  const serverDir = tempDir('server');
  const port = await freePort();
  let server: { proc: Proc; url: string } = await startServer(serverDir, port);
  const a = await startStudio(tempDir('studio-a'), server.url);
  const b = await startStudio(tempDir('studio-b'), server.url);
  try {
    const creator = await registerCreator(server.url, 'twins');
    const pageA = await openSignedIn(browser, a.url, creator);
    const pageB = await openSignedIn(browser, b.url, creator);

    await pageA.getByTestId('post-new').click();
    await pageA.getByTestId('post-title').fill('Shared post');
    await pageA.getByTestId('post-description').fill('First words');
    await pageA.getByTestId('post-save').click();
    await expect(pageB.getByTestId('post-item')).toContainText(['Shared post']);

    await server.proc.stop();
    await expect(pageA.getByTestId('sync-status')).toHaveAttribute('data-state', /offline|connecting/);
    await expect(pageB.getByTestId('sync-status')).toHaveAttribute('data-state', /offline|connecting/);

    // A renames the post; B rewrites its description and adds a post of its own.
    await pageA.getByTestId('post-item').first().click();
    await pageA.getByTestId('post-title').fill('Title from A');
    await pageA.getByTestId('post-save').click();
    await expect(pageA.getByTestId('post-notice')).toHaveText('Saved');
    await pageB.getByTestId('post-item').first().click();
    await pageB.getByTestId('post-description').fill('Description from B');
    await pageB.getByTestId('post-save').click();
    await expect(pageB.getByTestId('post-notice')).toHaveText('Saved');
    await pageB.getByTestId('post-new').click();
    await pageB.getByTestId('post-title').fill('Only on B');
    await pageB.getByTestId('post-save').click();
    await expect(pageB.getByTestId('post-notice')).toHaveText('Saved');
    await expect(pageA.getByTestId('post-item')).toHaveCount(1);
    await expect(pageA.getByTestId('sync-pending')).not.toHaveText('0 pending');

    server = await startServer(serverDir, port);
    for (const page of [pageA, pageB]) {
      await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'synced', { timeout: 30_000 });
      await expect(page.getByTestId('post-item')).toHaveCount(2);
      await expect(page.getByTestId('post-item').filter({ hasText: 'Title from A' })).toHaveCount(1);
      await expect(page.getByTestId('post-item').filter({ hasText: 'Only on B' })).toHaveCount(1);
    }
    await pageA.getByTestId('post-item').filter({ hasText: 'Title from A' }).click();
    await expect(pageA.getByTestId('post-description')).toHaveValue('Description from B');
    await pageA.screenshot({ path: test.info().outputPath('merged.png') });

    const posts = await serverPosts(server.url, creator);
    expect(posts.map((p) => [p.title, p.description]).sort()).toEqual([
      ['Only on B', ''],
      ['Title from A', 'Description from B'],
    ]);
  } finally {
    await a.proc.stop();
    await b.proc.stop();
    await server.proc.stop();
  }
});
