// ESM entry: the same module as `require('ccc-aicall')`, with named exports.
import cjs from './index.js';

export const {
  Client,
  createAiCall,
  createAiCalls,
  readCallsCsv,
  Emulator,
  CccError,
  ValidationError,
  ConfigurationError,
  ApiError,
  AuthenticationError,
  RateLimitError,
  InvalidRequestError,
  CallRejectedError,
  InternalServerError,
  ApiConnectionError,
  ApiTimeoutError,
  OutcomeUnknownError,
  AbortError,
} = cjs;
export default cjs;
