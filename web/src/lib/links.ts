/** In-app links: real `<a href>`s (open in a new tab, copy), followed without a page load on a plain click. */
import { navigate } from './router.svelte';

export function followLink(event: MouseEvent, path: string): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(path);
}
