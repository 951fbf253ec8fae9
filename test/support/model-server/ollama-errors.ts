/** Ollama's error body: `{"error": "<message>"}`. */
import type { ErrorStatus } from './faults';

export interface OllamaErrorBody {
  error: string;
}

export function ollamaError(message: string): OllamaErrorBody {
  return { error: message };
}

export function ollamaStatusError(status: ErrorStatus): OllamaErrorBody {
  switch (status) {
    case 429:
      return ollamaError('too many requests, please try again later');
    case 503:
      return ollamaError('server busy, please try again.  maximum pending requests exceeded');
    default:
      return ollamaError('an error was encountered while running the model');
  }
}

export function ollamaModelNotFound(requested: string): OllamaErrorBody {
  return ollamaError(`model '${requested}' not found`);
}
