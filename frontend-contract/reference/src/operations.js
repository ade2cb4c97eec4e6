// The GraphQL documents this page sends. Every one validates against ../schema.graphql; the
// operation names start with "Reference" so that they are easy to find in the API's logs.

const USER = `
  fragment ReferenceUser on User {
    id
    name
    email
    role
    organization { id name kind }
  }`;

const SESSION = `
  fragment ReferenceSession on AuthPayload {
    accessToken
    accessTokenExpiresAt
    refreshToken
    user { ...ReferenceUser }
  }
  ${USER}`;

// One line of a ticket list: what the queue and "my tickets" show, SLA state included.
const TICKET_ROW = `
  fragment ReferenceTicketRow on Ticket {
    id
    number
    title
    type
    priority
    status
    level
    receivedAt
    updatedAt
    customer { id name }
    assignee { id name }
    sla {
      paused
      firstResponse { state dueAt remainingMinutes }
      resolution { state dueAt remainingMinutes }
    }
  }`;

const COMMENT = `
  fragment ReferenceComment on Comment {
    id
    body
    internal
    createdAt
    author { id name }
  }`;

export const LOGIN = `
  mutation ReferenceLogin($email: String!, $password: String!) {
    login(email: $email, password: $password) { ...ReferenceSession }
  }
  ${SESSION}`;

export const REFRESH = `
  mutation ReferenceRefresh($token: String!) {
    refreshToken(token: $token) { ...ReferenceSession }
  }
  ${SESSION}`;

export const LOGOUT = `
  mutation ReferenceLogout($token: String!) {
    logout(refreshToken: $token)
  }`;

// Sent on the WebSocket after a refresh, so the socket outlives the old access token.
export const REAUTHENTICATE = `
  mutation ReferenceReauthenticate($token: String!) {
    reauthenticate(token: $token)
  }`;

export const QUEUE = `
  query ReferenceQueue($first: Int!) {
    queue(first: $first) {
      totalCount
      edges { node { ...ReferenceTicketRow } }
    }
  }
  ${TICKET_ROW}`;

export const QUEUE_UPDATED = `
  subscription ReferenceQueueUpdated {
    queueUpdated {
      sequence
      kind
      ticket { ...ReferenceTicketRow }
    }
  }
  ${TICKET_ROW}`;

export const MY_TICKETS = `
  query ReferenceMyTickets($first: Int!) {
    tickets(first: $first, orderBy: [{ field: CREATED_AT, direction: DESC }]) {
      totalCount
      edges { node { ...ReferenceTicketRow } }
    }
  }
  ${TICKET_ROW}`;

export const TICKET = `
  query ReferenceTicket($id: ID!) {
    node(id: $id) {
      ... on Ticket {
        ...ReferenceTicketRow
        description
        module
        softwareVersion
        environment
        impact
        steps
        firstOccurredAt
        reproduction
        reporter { id name }
        comments(first: 100, orderBy: { field: CREATED_AT, direction: ASC }) {
          edges { node { ...ReferenceComment } }
        }
      }
    }
  }
  ${TICKET_ROW}
  ${COMMENT}`;

export const TICKET_EVENTS = `
  subscription ReferenceTicketEvents($id: ID!) {
    ticketEvents(id: $id) {
      sequence
      kind
      ticket { ...ReferenceTicketRow }
      comment { ...ReferenceComment }
    }
  }
  ${TICKET_ROW}
  ${COMMENT}`;

export const CREATE_TICKET = `
  mutation ReferenceCreateTicket($input: CreateTicketInput!) {
    createTicket(input: $input) { ticket { ...ReferenceTicketRow } }
  }
  ${TICKET_ROW}`;

export const ADD_COMMENT = `
  mutation ReferenceAddComment($input: AddCommentInput!) {
    addComment(input: $input) { comment { ...ReferenceComment } }
  }
  ${COMMENT}`;
