import { checkHttpUrl, type HttpUrlRole } from '../../../shared/validators/http-url';
import type { FieldRule } from './use-form-errors';

/** A URL field's rule (UrlField): empty is fine (no URL), anything else must pass the engine's own check. */
export function urlRule(id: string, label: string, value: () => string, role: HttpUrlRole): FieldRule {
  return {
    id,
    label,
    check: () => {
      if (value() === '') return null;
      const checked = checkHttpUrl(value(), role);
      return 'problem' in checked ? `${checked.problem.charAt(0).toUpperCase()}${checked.problem.slice(1)}.` : null;
    },
  };
}
