import { describe, expect, it } from 'vitest';
import { detectTerminal } from '../../src/cli/io.js';

/** What README.md and docs/ci.md promise about prompts and colour. */
describe('prompts and colour', () => {
  it('a terminal prompts and is coloured', () => {
    expect(detectTerminal({}, true)).toEqual({ interactive: true, color: true });
  });

  it('NO_COLOR turns colour off, but a terminal still prompts', () => {
    expect(detectTerminal({ NO_COLOR: '1' }, true)).toEqual({ interactive: true, color: false });
  });

  it('CI=true or no terminal: no prompt, no colour', () => {
    expect(detectTerminal({ CI: 'true' }, true)).toEqual({ interactive: false, color: false });
    expect(detectTerminal({}, false)).toEqual({ interactive: false, color: false });
  });
});
