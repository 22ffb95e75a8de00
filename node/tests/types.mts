// The same declarations seen from an ES module: named imports and the default (the CommonJS exports object).
import ccc, { Client, ValidationError, type CreateAiCallParams } from 'ccc-aicall';

const params: CreateAiCallParams = {
  sdkAppId: 1,
  callee: '008613012345678',
  llmType: 'dify',
  apiKey: 'k',
  apiUrl: 'https://api.dify.ai/v1',
};
const client: Client = new ccc.Client({ endpoint: 'http://127.0.0.1:9' });
const placed: Promise<{ sessionId: string }> = client.createAiCall(params);
const error: ValidationError = new ccc.ValidationError('x');
void [placed, error];
