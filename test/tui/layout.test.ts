import { describe, expect, it } from 'vitest';
import { clip, clipStart, windowAround, wrapLines } from '../../src/tui/layout.js';

describe('windowAround', () => {
  it('centres the current row when it can', () => {
    expect(windowAround(100, 50, 11)).toEqual({ start: 45, end: 56 });
  });

  it('never runs past either end', () => {
    expect(windowAround(100, 0, 11)).toEqual({ start: 0, end: 11 });
    expect(windowAround(100, 99, 11)).toEqual({ start: 89, end: 100 });
    expect(windowAround(30_001, 30_000, 9)).toEqual({ start: 29_992, end: 30_001 });
  });

  it('shows a short list whole, and nothing for an empty one', () => {
    expect(windowAround(3, 1, 10)).toEqual({ start: 0, end: 3 });
    expect(windowAround(0, 0, 10)).toEqual({ start: 0, end: 0 });
  });
});

describe('clip and wrapLines', () => {
  it('clip marks a cut with an ellipsis and keeps the width', () => {
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('abc', 4)).toBe('abc');
    expect(clipStart('abcdef', 4)).toBe('…def');
  });

  it('wrapLines breaks at spaces and cuts what does not fit', () => {
    expect(wrapLines('-A INPUT -p tcp -j ACCEPT', 10, 5)).toEqual(['-A INPUT', '-p tcp -j', 'ACCEPT']);
    const cut = wrapLines('-A INPUT -p tcp -j ACCEPT', 10, 2);
    expect(cut).toHaveLength(2);
    expect(cut[1].endsWith('…')).toBe(true);
    expect(cut.every((l) => l.length <= 10)).toBe(true);
  });

  it('wrapLines breaks a word longer than the width', () => {
    expect(wrapLines('x'.repeat(25), 10, 3)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });
});
