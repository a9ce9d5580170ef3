import { HighlightStyle } from '@codemirror/language';
import { tags } from '@lezer/highlight';

/**
 * Syntax colours for the editors, each with a contrast of at least 4.5:1 on white and on the
 * active-line tint (CodeMirror's default style falls below that for strings and comments).
 */
export const editorHighlight = HighlightStyle.define([
  { tag: tags.keyword, color: '#6a1b9a', fontWeight: '600' },
  { tag: [tags.string, tags.special(tags.string)], color: '#9a1c1c' },
  { tag: [tags.number, tags.bool, tags.null], color: '#0b6b3a' },
  { tag: tags.comment, color: '#5c6670', fontStyle: 'italic' },
  { tag: [tags.typeName, tags.standard(tags.name)], color: '#0b4f9c' },
  { tag: [tags.function(tags.variableName), tags.special(tags.name)], color: '#0b4f9c' },
  { tag: [tags.propertyName], color: '#7a3e00' },
  { tag: tags.invalid, color: '#b42318' }
]);
