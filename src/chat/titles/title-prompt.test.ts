/** Reading a title out of what models actually answer, and the prompt that asks for it. */
import { describe, expect, it } from 'vitest';
import { buildTitlePrompt, maxTitleLength, parseTitle } from './title-prompt';

describe('parseTitle', () => {
  it.each([
    ['{"title": "📉 Stock Market Trends"}', '📉 Stock Market Trends'],
    ['{ "title": "🍪 Cookies" }\n', '🍪 Cookies'],
    ['```json\n{"title": "🐍 Python Tips"}\n```', '🐍 Python Tips'],
    ['Sure! Here it is: {"title": "🚀 Rocket Science"} Hope that helps.', '🚀 Rocket Science'],
    ['<think>The user greets me; a short title.</think>\n{"title": "👋 Greeting"}', '👋 Greeting'],
    ["{'title': '🎸 Guitar Chords'}", '🎸 Guitar Chords'],
    ['"🌍 Climate Change Basics"', '🌍 Climate Change Basics'],
    ['Title: **Baking Bread at Home.**\nMore text that is not the title', 'Baking Bread at Home'],
    ['# “Quantum Computing”', 'Quantum Computing'],
    ['\n\n  Travel   Plans  for   Japan \n', 'Travel Plans for Japan'],
    ['{"title": "Let\'s Bake"}', "Let's Bake"],
  ])('%j → %j', (reply, title) => {
    expect(parseTitle(reply)).toBe(title);
  });

  it.each([[''], ['   \n  '], ['{"title": ""}'], ['<think>still thinking about it'], ['""'], ['{"title": 42}']])('%j → no title', (reply) => {
    expect(parseTitle(reply)).toBeUndefined();
  });

  it('caps a long title at a word, without splitting an emoji', () => {
    const long = parseTitle(`{"title": "${'word '.repeat(40)}"}`)!;
    expect(long.length).toBeLessThanOrEqual(maxTitleLength);
    expect(long.endsWith('word')).toBe(true);
    const emojis = parseTitle('🎉'.repeat(100))!;
    expect(Array.from(emojis)).toHaveLength(maxTitleLength);
    expect(emojis).toBe('🎉'.repeat(maxTitleLength));
  });
});

describe('buildTitlePrompt', () => {
  it('asks for JSON and quotes the conversation, each message clipped, empty ones left out', () => {
    const prompt = buildTitlePrompt([
      { role: 'user', content: 'How do I boil an egg?' },
      { role: 'assistant', content: 'x'.repeat(5000) },
      { role: 'assistant', content: '  ' },
    ]);
    expect(prompt).toContain('{ "title": "the title" }');
    expect(prompt).toContain('USER: How do I boil an egg?\nASSISTANT: xxx');
    expect(prompt).not.toContain('x'.repeat(2001));
    expect(prompt.match(/ASSISTANT:/g)).toHaveLength(1);
  });
});
