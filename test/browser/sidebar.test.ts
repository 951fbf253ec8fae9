import { expect, it } from 'vitest';
import { chatLink, openaiModel, screenshot } from './harness';
import { describeInBrowser } from './suite';

interface ChatView {
  id: string;
  title: string;
}

describeInBrowser('the chat list', (rig) => {
  /** A chat with one question and its answer, made through the API. */
  async function createChat(title: string, question: string, answer: string): Promise<ChatView> {
    return rig.astra.api<ChatView>('POST', '/api/v1/chats/new', {
      token: rig.adminToken,
      body: {
        chat: {
          title,
          models: [openaiModel],
          messages: [
            { role: 'user', content: question },
            { role: 'assistant', content: answer, model: openaiModel },
          ],
        },
      },
    });
  }

  it('renames a chat from its menu, and the new title stays', async () => {
    const { page } = rig.session;
    const chat = await createChat('Trip to Lisbon', 'Where can I eat pastéis de nata?', 'Try the bakery by the tram stop.');
    await page.goto(rig.astra.url);
    await chatLink(page, 'Trip to Lisbon').waitFor();

    await page.getByRole('button', { name: 'Actions for Trip to Lisbon' }).click();
    await screenshot(page, 'sidebar-chat-menu.png');
    await page.getByRole('menuitem', { name: 'Rename' }).click();
    await page.getByLabel('Chat title').fill('Lisbon weekend');
    await page.keyboard.press('Enter');
    await chatLink(page, 'Lisbon weekend').waitFor();
    expect(await chatLink(page, 'Trip to Lisbon').count()).toBe(0);

    await expect.poll(async () => (await rig.astra.api<ChatView>('GET', `/api/v1/chats/${chat.id}`, { token: rig.adminToken })).title).toBe('Lisbon weekend');
    await page.reload();
    await chatLink(page, 'Lisbon weekend').waitFor();
  });

  it('searches the chats by their words, and clearing the search shows them all again', async () => {
    const { page } = rig.session;
    await createChat('Sourdough starter', 'How often do I feed a sourdough starter?', 'Once a day at room temperature, with equal flour and water.');
    await createChat('Bicycle chain', 'How do I clean a bicycle chain?', 'Degrease it, rinse, dry, then oil each link sparingly.');
    await page.goto(rig.astra.url);
    await chatLink(page, 'Bicycle chain').waitFor();

    await page.getByLabel('Search chats').fill('flour');
    const results = page.getByRole('region', { name: 'Results for “flour”' });
    await results.waitFor();
    await results.getByRole('link', { name: 'Sourdough starter' }).waitFor();
    expect(await results.getByRole('link').count()).toBe(1);
    await screenshot(page, 'sidebar-search.png');

    await page.getByLabel('Search chats').fill('nothing-matches-this');
    await page.getByRole('region', { name: 'Results for “nothing-matches-this”' }).getByText('No chats match.').waitFor();

    await page.getByRole('button', { name: 'Clear search' }).click();
    await chatLink(page, 'Sourdough starter').waitFor();
    await chatLink(page, 'Bicycle chain').waitFor();
  });

  it('deletes a chat after asking, and it is gone for good', async () => {
    const { page } = rig.session;
    const chat = await createChat('Old shopping list', 'Eggs, milk, bread?', 'Noted: eggs, milk and bread.');
    await page.goto(rig.astra.url);
    await chatLink(page, 'Old shopping list').click();
    await page.getByText('Noted: eggs, milk and bread.').waitFor();

    await page.getByRole('button', { name: 'Actions for Old shopping list' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this chat?' });
    await dialog.waitFor();
    await screenshot(page, 'sidebar-delete-confirm.png');

    // Cancel keeps it.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await chatLink(page, 'Old shopping list').waitFor();

    await page.getByRole('button', { name: 'Actions for Old shopping list' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await chatLink(page, 'Old shopping list').waitFor({ state: 'detached' });
    // The open chat was the deleted one: the app went back to a new chat.
    await page.waitForURL((url) => url.pathname === '/');

    await expect.poll(() => rig.astra.api('GET', `/api/v1/chats/${chat.id}`, { token: rig.adminToken }).then(() => 'still there', (error: Error) => error.message)).toMatch(/answered 404/);
    await page.reload();
    await page.getByRole('heading', { name: 'How can I help?' }).waitFor();
    expect(await chatLink(page, 'Old shopping list').count()).toBe(0);
  });
});
