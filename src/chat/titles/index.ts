/**
 * Chat titles: a short title asked of the task model once a chat's first answer completes, kept
 * only while the chat still has the default title.
 */
export { ChatTitles, titleTimeoutMs, type ChatTitlesOptions } from './chat-titles';
export { generateTitle, type TitleOutcome, type TitleRequest } from './generate-title';
export { buildTitlePrompt, maxTitleLength, parseTitle } from './title-prompt';
