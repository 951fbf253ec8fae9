/** OpenAI's error body: `{"error": {"message", "type", "param", "code"}}`. */
import type { ErrorStatus } from './faults';

export interface OpenaiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function openaiError(message: string, type: string, code: string | null, param: string | null = null): OpenaiErrorBody {
  return { error: { message, type, param, code } };
}

export function openaiStatusError(status: ErrorStatus): OpenaiErrorBody {
  switch (status) {
    case 429:
      return openaiError(
        'Rate limit reached for requests on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s.',
        'requests',
        'rate_limit_exceeded',
      );
    case 503:
      return openaiError('The engine is currently overloaded, please try again later.', 'server_error', null);
    default:
      return openaiError('The server had an error while processing your request. Sorry about that!', 'server_error', null);
  }
}

export function openaiModelNotFound(model: string): OpenaiErrorBody {
  return openaiError(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found', 'model');
}
