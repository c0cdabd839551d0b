import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { renderTemplate, renderTemplateDeep } from '../../src/runtime/templates.js';

const ctx = {
  authorId: '42',
  authorUsername: 'Phineas',
  content: '>ticket help me',
  args: 'help me',
  channelId: '7',
  guildId: '8',
};

describe('renderTemplate', () => {
  it('substitutes every documented placeholder', () => {
    expect(
      renderTemplate('{{author.id}} {{ author.username }} [{{content}}] [{{args}}] {{channel_id}} {{guild_id}}', ctx),
    ).toBe('42 Phineas [>ticket help me] [help me] 7 8');
    expect(renderTemplate('Hi <author:username> (<author:id>)', ctx)).toBe('Hi Phineas (42)');
  });

  it('leaves unknown placeholders as written and never evaluates anything', () => {
    expect(renderTemplate('{{process.env.TOKEN}} {{constructor}} ${1+1}', ctx)).toBe('{{process.env.TOKEN}} {{constructor}} ${1+1}');
  });

  it('does not re-expand placeholders that come from user input', () => {
    const hostile = { ...ctx, args: '{{author.id}} <author:username>' };
    expect(renderTemplate('say {{args}}', hostile)).toBe('say {{author.id}} <author:username>');
  });

  it('renders strings inside objects without mutating them', () => {
    const embed = { title: 'by {{author.username}}', fields: [{ name: 'args', value: '{{args}}' }], color: 5 };
    const copy = structuredClone(embed);
    expect(renderTemplateDeep(embed, ctx)).toEqual({ title: 'by Phineas', fields: [{ name: 'args', value: 'help me' }], color: 5 });
    expect(embed).toEqual(copy);
  });

  it('a template without placeholders is returned unchanged (property)', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('{{') && !s.includes('<author:')),
        (s) => renderTemplate(s, ctx) === s,
      ),
    );
  });
});
