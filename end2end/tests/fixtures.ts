import { expect, test as base } from '@playwright/test';

/**
 * Every test fails if a page panics (a hydration mismatch, a WASM panic) or the browser
 * reports a Content-Security-Policy violation.
 */
export const test = base.extend<{ failOnPanics: void }>({
  failOnPanics: [
    async ({ context }, use) => {
      const problems: string[] = [];
      const watch = (page: import('@playwright/test').Page) => {
        page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
        page.on('console', (m) => {
          const text = m.text();
          if (m.type() === 'error' && /panicked|hydration|Content Security Policy/i.test(text)) problems.push(text.slice(0, 500));
        });
      };
      context.pages().forEach(watch);
      context.on('page', watch);
      await use();
      expect(problems, 'the browser reported panics or CSP violations').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
