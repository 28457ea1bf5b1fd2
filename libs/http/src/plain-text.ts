import { Matches, ValidationOptions } from 'class-validator';

// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const SINGLE_LINE = /^[^\u0000-\u001f\u007f]*$/;
// eslint-disable-next-line no-control-regex -- likewise
const MULTI_LINE = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;

/**
 * Free text without control characters (NUL above all, which PostgreSQL's
 * text and jsonb refuse): a 400 naming the field, never a 500 from the database.
 * Multi-line text (opinions, objections) keeps its line breaks and tabs.
 */
export function IsPlainText(
  options: ValidationOptions & { multiline?: boolean } = {},
): PropertyDecorator {
  const { multiline, ...validation } = options;
  return Matches(multiline ? MULTI_LINE : SINGLE_LINE, {
    message: '$property must not contain control characters',
    ...validation,
  });
}
