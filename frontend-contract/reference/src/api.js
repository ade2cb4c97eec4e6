// Talking to the Supportdesk API from another origin: queries and mutations with fetch,
// subscriptions with graphql-ws (protocol graphql-transport-ws) on the same /graphql URL.
import { createClient } from 'graphql-ws';
import { LOGIN, LOGOUT, REAUTHENTICATE, REFRESH } from './operations.js';

// The API's URL: ?api=<url> on the page, else VITE_API_URL at build time, else the default of
// `go run ./server -demo`. The API's CORS_ORIGINS must list this page's origin (HTTP and WS).
export const API_URL =
  new URLSearchParams(window.location.search).get('api') ||
  import.meta.env.VITE_API_URL ||
  'http://localhost:8080/graphql';
export const WS_URL = API_URL.replace(/^http/, 'ws');

const STORAGE_KEY = 'supportdesk.reference.session';
// Refresh the access token this long before it expires.
const REFRESH_AHEAD_MS = 60_000;

// ApiError carries the GraphQL errors of an answer; code is the first one's extensions.code
// (VALIDATION, NOT_FOUND, FORBIDDEN, UNAUTHENTICATED, CONFLICT, ... see ../errors.json).
export class ApiError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join('; '));
    this.errors = errors;
    this.code = errors[0]?.extensions?.code ?? 'UNKNOWN';
    // A VALIDATION error names the offending fields in extensions.fields.
    this.fields = errors.flatMap((e) => e.extensions?.fields ?? []);
  }
}

// gql posts one operation and returns its data, or throws an ApiError.
export async function gql(query, variables = {}, token) {
  const headers = {
    'Content-Type': 'application/json',
    Accept: 'application/graphql-response+json, application/json',
  };
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(API_URL, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  } catch (err) {
    throw new ApiError([{ message: `the API at ${API_URL} cannot be reached (${err.message}): is it running, and does its CORS_ORIGINS list ${window.location.origin}?`, extensions: { code: 'NETWORK' } }]);
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError([{ message: `HTTP ${res.status} without a GraphQL answer`, extensions: { code: `HTTP_${res.status}` } }]);
  }
  if (body.errors?.length) throw new ApiError(body.errors);
  return body.data;
}

// Session is a signed-in user: the token pair (kept in sessionStorage, so a reload stays
// signed in), requests with the access token, a refresh shortly before it expires, and the
// live connection, which is told of every new token.
export class Session {
  static async login(email, password) {
    const data = await gql(LOGIN, { email, password });
    return new Session(data.login);
  }

  static restore() {
    try {
      const raw = sessionStorage.getItem(STORAGE_KEY);
      return raw ? new Session(JSON.parse(raw)) : null;
    } catch {
      return null;
    }
  }

  constructor(auth) {
    this.liveListeners = new Set();
    this.liveState = 'idle';
    // Completed refreshes, and how many of them renewed the WebSocket; onRefreshed is told.
    this.refreshes = 0;
    this.reauthenticated = 0;
    this.onRefreshed = () => {};
    this.onSignedOut = () => {};
    this.apply(auth);
  }

  get user() {
    return this.auth.user;
  }

  // Staff are the vendor's and partners' users; customers' users see the portal.
  get isStaff() {
    return this.auth.user.organization.kind !== 'CUSTOMER';
  }

  apply(auth) {
    this.auth = auth;
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(auth));
    clearTimeout(this.refreshTimer);
    const wait = Math.max(5_000, Date.parse(auth.accessTokenExpiresAt) - Date.now() - REFRESH_AHEAD_MS);
    this.refreshTimer = setTimeout(() => this.refresh().catch(() => this.signOut()), wait);
  }

  // refresh rotates the token pair (each refresh token works once) and renews the WebSocket's
  // authentication with the reauthenticate mutation, sent on that socket. Should that fail,
  // the socket is closed with 4403 when the old token expires and reconnects with the new one.
  refresh() {
    this.refreshing ??= (async () => {
      const data = await gql(REFRESH, { token: this.auth.refreshToken });
      this.apply(data.refreshToken);
      this.refreshes += 1;
      if (this.client && this.liveState === 'live') {
        try {
          await this.execute(REAUTHENTICATE, { token: this.auth.accessToken });
          this.reauthenticated += 1;
        } catch (err) {
          console.warn('reauthenticate failed; the socket will reconnect at expiry', err);
        }
      }
      this.onRefreshed(this);
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  // request sends a query or mutation; an expired access token is refreshed once.
  async request(query, variables) {
    try {
      return await gql(query, variables, this.auth.accessToken);
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'UNAUTHENTICATED') throw err;
      try {
        await this.refresh();
      } catch {
        this.signOut();
        throw err;
      }
      return gql(query, variables, this.auth.accessToken);
    }
  }

  // live is the graphql-ws client, connected on the first subscription. connection_init sends
  // the current access token; a socket closed with 4403 (token expired) reconnects with the
  // refreshed one. After every (re)connection listeners refetch what they show, since events
  // may have been missed while the socket was down.
  live() {
    if (!this.client) {
      this.client = createClient({
        url: WS_URL,
        lazy: true,
        retryAttempts: Infinity,
        shouldRetry: () => true,
        connectionParams: async () => {
          if (Date.parse(this.auth.accessTokenExpiresAt) - Date.now() < 5_000) await this.refresh();
          return { authorization: `Bearer ${this.auth.accessToken}` };
        },
        on: {
          connecting: () => this.setLive('connecting'),
          connected: () => this.setLive('live'),
          closed: () => this.setLive('closed'),
        },
      });
    }
    return this.client;
  }

  setLive(state) {
    this.liveState = state;
    for (const fn of this.liveListeners) fn(state);
  }

  onLive(fn) {
    this.liveListeners.add(fn);
    fn(this.liveState);
    return () => this.liveListeners.delete(fn);
  }

  // subscribe runs a subscription; onEvent gets each event's data. Returns the unsubscribe.
  subscribe(query, variables, onEvent, onError = console.error) {
    return this.live().subscribe(
      { query, variables },
      {
        next: (msg) => (msg.errors?.length ? onError(new ApiError(msg.errors)) : onEvent(msg.data)),
        error: (err) => onError(err),
        complete: () => {},
      },
    );
  }

  // execute sends one query or mutation over the WebSocket.
  execute(query, variables) {
    return new Promise((resolve, reject) => {
      let result;
      this.live().subscribe(
        { query, variables },
        {
          next: (msg) => (result = msg),
          error: reject,
          complete: () => (result?.errors?.length ? reject(new ApiError(result.errors)) : resolve(result?.data)),
        },
      );
    });
  }

  async logout() {
    try {
      await gql(LOGOUT, { token: this.auth.refreshToken }, this.auth.accessToken);
    } finally {
      this.signOut();
    }
  }

  signOut() {
    clearTimeout(this.refreshTimer);
    sessionStorage.removeItem(STORAGE_KEY);
    this.client?.dispose();
    this.client = null;
    this.onSignedOut();
  }
}
