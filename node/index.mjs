// ESM entry: the same module as `require('ccc-aicall')`, with named exports.
import cjs from './index.js';

export const {
  Client,
  createAiCall,
  createAiCalls,
  readCallsCsv,
  createPushHandler,
  Emulator,
  CallOutcome,
  CampaignReport,
  version,
  CccError,
  ValidationError,
  ConfigurationError,
  ApiError,
  AuthenticationError,
  RateLimitError,
  InvalidRequestError,
  CallRejectedError,
  CallNotLiveError,
  InternalServerError,
  ApiConnectionError,
  ApiTimeoutError,
  OutcomeUnknownError,
  IdempotencyKeyPendingError,
  StoreUnavailableError,
  AbortError,
  WaitTimeoutError,
} = cjs;
export default cjs;
