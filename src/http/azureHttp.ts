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

/**
 * Connections the Azure clients keep to one host at most; requests beyond wait for one to be free. Without a bound, a
 * burst (400 people pressing buttons at once in the bench) opened a new TLS connection for every request in flight
 * (200+ handshakes at once, each costing CPU on both ends and memory for its buffers) instead of reusing the
 * keep-alive ones.
 */
export const MAX_SOCKETS_PER_HOST = 32;

/** The default HTTP client, trusting `ca` besides the usual roots when given; at most MAX_SOCKETS_PER_HOST a host. */
export function trustingHttpClient(ca?: string): HttpClient {
  const agent = new https.Agent({ ca, keepAlive: true, maxSockets: MAX_SOCKETS_PER_HOST });
  if (ca) return trustingAgentClient(agent);
  const inner = createDefaultHttpClient();
  return {
    sendRequest: (request) => {
      // A request with an agent already (a proxy's, from the pipeline's proxy policy), its own TLS settings or
      // keep-alive turned off is left to the default client, as before.
      if (request.url.startsWith('https:') && !request.agent && !request.tlsSettings && !request.disableKeepAlive) {
        request.agent = agent;
      }
      return inner.sendRequest(request);
    },
  };
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
