// The part of undici the CLI build uses (scripts/build-cli.mjs aliases `undici` to this file for
// Courier's own modules): request() and the dispatchers, without fetch, WebSocket, the caches,
// cookies and the mocks, which undici's index loads too (about two thirds of its code, parsed by
// every thread at every start). What it exports is what the index exports under the same names,
// built the same way; test/unit/cli/undici-slim.test.ts holds it to that.
// undici has no "exports" map: its files are reachable by path, and are CommonJS.
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';
import util from 'undici/lib/core/util.js';
import errors from 'undici/lib/core/errors.js';
import globals from 'undici/lib/global.js';
import Agent from 'undici/lib/dispatcher/agent.js';
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js';
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js';

const { InvalidArgumentError } = errors;
const { getGlobalDispatcher } = globals;

Object.assign(Dispatcher.prototype, api);

// undici's index.js makeDispatcher, for the one method used (request): a URL and options to the
// dispatcher's own request().
function makeDispatcher(fn) {
  return (url, opts, handler) => {
    if (typeof opts === 'function') {
      handler = opts;
      opts = null;
    }
    if (!url || (typeof url !== 'string' && typeof url !== 'object' && !(url instanceof URL))) throw new InvalidArgumentError('invalid url');
    if (opts != null && typeof opts !== 'object') throw new InvalidArgumentError('invalid opts');
    if (opts && opts.path != null) {
      if (typeof opts.path !== 'string') throw new InvalidArgumentError('invalid opts.path');
      const path = opts.path.startsWith('/') ? opts.path : `/${opts.path}`;
      url = new URL(util.parseOrigin(url).origin + path);
    } else {
      if (!opts) opts = typeof url === 'object' ? url : {};
      url = util.parseURL(url);
    }
    const { agent, dispatcher = getGlobalDispatcher() } = opts;
    if (agent) throw new InvalidArgumentError('unsupported opts.agent. Did you mean opts.client?');
    return fn.call(
      dispatcher,
      { ...opts, origin: url.origin, path: url.search ? `${url.pathname}${url.search}` : url.pathname, method: opts.method || (opts.body ? 'PUT' : 'GET') },
      handler,
    );
  };
}

export { Dispatcher, Agent, ProxyAgent, EnvHttpProxyAgent };
export const request = makeDispatcher(api.request);
