import { describe, expect, it } from 'vitest';
import { errorRange } from '../../src/lib/ui/notebook/editor-error';

describe('errorRange', () => {
  const text = 'SELECT 1\nFROM nope(2)\nWHERE x';

  it('marks the word at the reported line and column', () => {
    const { from, to } = errorRange(text, 2, 6);
    expect(text.slice(from, to)).toBe('nope');
  });

  it('marks the whole line when the column is unknown', () => {
    const { from, to } = errorRange(text, 3);
    expect(text.slice(from, to)).toBe('WHERE x');
  });

  it('marks one character at punctuation', () => {
    const { from, to } = errorRange(text, 2, 10);
    expect(text.slice(from, to)).toBe('(');
  });

  it('clamps positions beyond the text', () => {
    const { from, to } = errorRange(text, 9, 99);
    expect(from).toBeLessThanOrEqual(text.length);
    expect(to).toBeLessThanOrEqual(text.length);
    expect(from).toBeGreaterThanOrEqual(text.lastIndexOf('\n') + 1);
  });

  it('marks the first line of an empty text without throwing', () => {
    expect(errorRange('', 1, 1)).toEqual({ from: 0, to: 0 });
  });
});
