import { StudioApiError } from '../../shared/studio-api';

export interface FormError {
  message: string;
  fields: Record<string, string>;
}

export function formError(err: unknown): FormError {
  if (err instanceof StudioApiError) return { message: err.message, fields: err.details?.fields ?? {} };
  return { message: err instanceof Error ? err.message : String(err), fields: {} };
}
