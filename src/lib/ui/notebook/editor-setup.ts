import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { lintGutter } from '@codemirror/lint';
import type { Extension } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import { tags } from '@lezer/highlight';

/**
 * Syntax colours for the editors, each with a contrast of at least 4.5:1 on white and on the
 * active-line tint (CodeMirror's default style falls below that for strings and comments).
 */
const editorHighlight = HighlightStyle.define([
  { tag: tags.keyword, color: '#6a1b9a', fontWeight: '600' },
  { tag: [tags.string, tags.special(tags.string)], color: '#9a1c1c' },
  { tag: [tags.number, tags.bool, tags.null], color: '#0b6b3a' },
  { tag: tags.comment, color: '#5c6670', fontStyle: 'italic' },
  { tag: [tags.typeName, tags.standard(tags.name)], color: '#0b4f9c' },
  { tag: [tags.function(tags.variableName), tags.special(tags.name)], color: '#0b4f9c' },
  { tag: [tags.propertyName], color: '#7a3e00' },
  { tag: tags.invalid, color: '#b42318' }
]);

/**
 * What every code editor of the app has: line numbers, undo history, bracket matching and
 * closing, the accessible highlight style, a lint gutter, the default keys, and an accessible name.
 * @param label the editor's accessible name
 * @param testId its `data-testid`
 */
export function editorBase(label: string, testId: string): Extension[] {
  return [
    lineNumbers(),
    history(),
    bracketMatching(),
    closeBrackets(),
    syntaxHighlighting(editorHighlight),
    lintGutter(),
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
    // An explicit tabindex lets axe see the scrolling editor is keyboard reachable.
    EditorView.contentAttributes.of({ 'aria-label': label, 'data-testid': testId, tabindex: '0' })
  ];
}
