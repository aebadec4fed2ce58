import { describe, expect, it } from 'vitest';
import { renderDashboard } from '../../src/api/dashboard';

const temporalUiLink = (page: string) => page.match(/<a id="temporal-ui"[^>]*>Temporal UI<\/a>/)?.[0];

describe('the dashboard page', () => {
  it.each([
    ['http://127.0.0.1:8233', '<a id="temporal-ui" href="http://127.0.0.1:8233" target="_blank"'],
    ['http://127.0.0.1:18233', '<a id="temporal-ui" href="http://127.0.0.1:18233" target="_blank"'],
    ['https://ui.example/?a=1&b="2"', '<a id="temporal-ui" href="https://ui.example/?a=1&#38;b=&#34;2&#34;" target'],
  ])('when the Temporal UI is at %s, then the page links there', (url, expected) => {
    expect(temporalUiLink(renderDashboard({ temporalUiUrl: url }))).toContain(expected);
  });

  it('when the Temporal UI is unknown (an external cluster), then the page shows no link', () => {
    const link = temporalUiLink(renderDashboard({ temporalUiUrl: null }));
    expect(link).toContain(' hidden ');
    expect(link).not.toContain('href');
  });
});
