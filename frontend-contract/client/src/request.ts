// A minimal typed fetch for the generated documents: the result and variables types follow
// from the document, so `request(QueueDocument, { first: 20 })` is checked against the schema.
// Apollo Client and urql accept the same documents directly (useQuery(QueueDocument, ...)).
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { LoginDocument, QueueDocument, type QueueQuery } from './graphql';

export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    /** The first error's extensions.code (see ../errors.json). */
    readonly code: string | undefined,
    readonly errors: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>,
  ) {
    super(message);
  }
}

export async function request<TResult, TVariables>(
  url: string,
  token: string | null,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/graphql-response+json, application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as {
    data?: TResult | null;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
  if (body.errors?.length || !body.data) {
    const errors = body.errors ?? [];
    const code = errors[0]?.extensions?.['code'];
    throw new GraphQLRequestError(errors[0]?.message ?? `HTTP ${response.status}`, typeof code === 'string' ? code : undefined, errors);
  }
  return body.data;
}

/** Signs in and reads the first page of the queue: an example that the type check covers. */
export async function firstQueuePage(url: string, email: string, password: string): Promise<QueueQuery['queue']> {
  const { login } = await request(url, null, LoginDocument, { email, password });
  const { queue } = await request(url, login.accessToken, QueueDocument, { first: 20, filter: { priorities: ['P1', 'P2'] } });
  for (const edge of queue.edges ?? []) {
    const ticket = edge?.node;
    if (ticket?.sla?.resolution.state === 'BREACHED') {
      console.warn(`${ticket.number} breached its resolution target`);
    }
  }
  return queue;
}
