import https from 'node:https';
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
  type HttpClient,
} from '@azure/core-rest-pipeline';

/**
 * The default HTTP client, sending https requests through `agent`: how the clients trust one extra CA (the sandbox's,
 * or a test Azurite's) without touching the process's trust store.
 */
export function trustingAgentClient(agent: https.Agent): HttpClient {
  const inner = createDefaultHttpClient();
  return {
    sendRequest: (request) => {
      if (request.url.startsWith('https:')) request.agent = agent;
      return inner.sendRequest(request);
    },
  };
}

/** The default HTTP client, trusting `ca` besides the usual roots when given. */
export function trustingHttpClient(ca?: string): HttpClient {
  return ca ? trustingAgentClient(new https.Agent({ ca, keepAlive: true })) : createDefaultHttpClient();
}

/**
 * @azure/storage-blob 12.34 still takes a core-http (v1) HttpClient: it hands over a WebResourceLike and expects
 * headers with toJson(). Passing a core-rest-pipeline client fails ("request.headers.toJSON is not a function"), so
 * this adapts a v2 client to the v1 shape.
 */
export function v1HttpClient(inner: HttpClient) {
  return {
    async sendRequest(web: any) {
      const request = createPipelineRequest({
        url: web.url,
        method: web.method,
        headers: createHttpHeaders(web.headers.toJson({ preserveCase: true })),
        body: web.body,
        abortSignal: web.abortSignal,
        timeout: web.timeout,
        streamResponseStatusCodes: web.streamResponseStatusCodes,
        onUploadProgress: web.onUploadProgress,
        onDownloadProgress: web.onDownloadProgress,
      });
      const response = await inner.sendRequest(request);
      return {
        ...response,
        request: web,
        headers: { toJson: (o?: { preserveCase?: boolean }) => response.headers.toJSON(o) },
      };
    },
  };
}
