/**
 * Control boundaries against what they sit on, in both themes: WCAG 2.2
 * (1.4.11, non-text contrast) asks 3:1. The tokens are read from main.css
 * itself, and the controls' rules are checked to use the token.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync('src-renderer/src/styles/main.css', 'utf8');

/** The custom properties of the first `:root { … }` after `from` in the stylesheet. */
function tokens(from: number): Record<string, string> {
  const start = css.indexOf(':root {', from);
  const body = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries(
    [...body.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((match) => [match[1]!, match[2]!.trim()]),
  );
}

function luminance(hex: string): number {
  const channels = hex
    .replace('#', '')
    .match(/../g)!
    .map((pair) => parseInt(pair, 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * channels[0]! + 0.7152 * channels[1]! + 0.0722 * channels[2]!;
}

export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

const light = tokens(0);
const dark = { ...light, ...tokens(css.indexOf('@media (prefers-color-scheme: dark)')) };

describe('theme tokens', () => {
  it('computes contrast as WCAG defines it', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    // The border the officer reported: 1.42:1, which this test must refuse.
    expect(contrast('#d5d9e0', '#ffffff')).toBeLessThan(1.5);
  });

  for (const [theme, values] of [
    ['light', light],
    ['dark', dark],
  ] as const) {
    it(`gives control borders at least 3:1 against every surface in the ${theme} theme`, () => {
      const border = values['--control-border'];
      expect(border, '--control-border').toMatch(/^#[0-9a-f]{6}$/i);
      for (const surface of ['--panel', '--bg', '--sidebar'])
        expect(
          contrast(border!, values[surface]!),
          `${border} on ${surface} ${values[surface]}`,
        ).toBeGreaterThanOrEqual(3);
    });
  }

  it('has the dark theme override the border and surfaces', () => {
    expect(dark['--control-border']).not.toBe(light['--control-border']);
    expect(dark['--panel']).not.toBe(light['--panel']);
  });

  it('draws inputs, selects, text areas and buttons with the control border', () => {
    const rule = (selector: RegExp) => css.match(selector)?.[0] ?? '';
    expect(rule(/\ninput,\nselect,\ntextarea \{[^}]+\}/)).toContain('border: 1px solid var(--control-border)');
    expect(rule(/\nbutton \{\n {2}font: inherit;[^}]+\}/)).toContain('border: 1px solid var(--control-border)');
  });
});
