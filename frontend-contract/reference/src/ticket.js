// Ticket detail, for staff and customers alike: the ticket's fields, its comments (the API
// returns customers only the public ones) and a comment form, kept live by ticketEvents.
import { ADD_COMMENT, TICKET, TICKET_EVENTS } from './operations.js';
import { errorBox, h, slaCell, when } from './dom.js';

export function ticketDetail(session, id) {
  const staff = session.isStaff;
  const el = h('section', { class: 'ticket-detail', dataset: { ticketId: id } }, h('p', { class: 'muted' }, 'Loading…'));
  const seen = new Set();
  let comments;
  let header;

  const commentItem = (c) =>
    h(
      'li',
      { class: c.internal ? 'comment internal' : 'comment', dataset: { commentId: c.id, internal: String(c.internal) } },
      h('div', { class: 'comment-meta' }, c.author?.name ?? '—', ' · ', when(c.createdAt), c.internal ? h('span', { class: 'badge' }, 'internal') : null),
      h('div', { class: 'comment-body' }, c.body),
    );

  const addComment = (c) => {
    if (!c || seen.has(c.id)) return;
    seen.add(c.id);
    comments.querySelector('.empty')?.remove();
    comments.append(commentItem(c));
  };

  const headerOf = (t) =>
    h(
      'header',
      { class: 'ticket-header' },
      h('h2', {}, h('span', { class: 'ticket-number' }, t.number), ' ', t.title),
      h(
        'table',
        { class: 'facts' },
        h('tbody', {},
          h('tr', {}, h('th', {}, 'Status'), h('td', { class: 'status' }, t.status), h('th', {}, 'Priority'), h('td', {}, t.priority)),
          h('tr', {}, h('th', {}, 'Type'), h('td', {}, t.type), h('th', {}, 'Level'), h('td', {}, t.level)),
          h('tr', {}, h('th', {}, 'Customer'), h('td', {}, t.customer.name), h('th', {}, 'Assignee'), h('td', {}, t.assignee?.name ?? '—')),
          h('tr', {}, h('th', {}, 'SLA'), slaCell(t), h('th', {}, 'Received'), h('td', {}, when(t.receivedAt))),
        ),
      ),
    );

  const render = (t) => {
    header = headerOf(t);
    seen.clear();
    comments = h('ul', { class: 'comments' }, h('li', { class: 'empty muted' }, 'No comments yet.'));
    const body = h('textarea', { name: 'body', required: true, rows: 3, placeholder: 'Write a comment…', 'aria-label': 'Comment' });
    const internal = staff ? h('input', { type: 'checkbox', name: 'internal' }) : null;
    const status = h('div', { class: 'form-status' });
    const form = h(
      'form',
      {
        class: 'comment-form',
        onsubmit: async (ev) => {
          ev.preventDefault();
          status.replaceChildren();
          try {
            const data = await session.request(ADD_COMMENT, {
              input: { ticketID: id, body: body.value, internal: internal?.checked ?? false },
            });
            addComment(data.addComment.comment);
            body.value = '';
            if (internal) internal.checked = false;
          } catch (err) {
            status.replaceChildren(errorBox(err));
          }
        },
      },
      body,
      h('div', { class: 'form-row' },
        staff ? h('label', {}, internal, ' internal (never shown to the customer)') : null,
        h('button', { type: 'submit' }, 'Add comment'),
      ),
      status,
    );
    const details = [
      ['Description', t.description],
      ['Module', t.module],
      ['Software version', t.softwareVersion],
      ['Environment', t.environment],
      ['Impact', t.impact],
      ['Steps', t.steps],
      ['First occurred', t.firstOccurredAt && when(t.firstOccurredAt)],
      ['Reproduction', t.reproduction],
    ].filter(([, v]) => v);
    el.replaceChildren(
      header,
      h('dl', { class: 'details' }, details.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h('h3', {}, 'Comments'),
      comments,
      form,
    );
    for (const edge of t.comments.edges) addComment(edge.node);
  };

  const load = async () => {
    try {
      const data = await session.request(TICKET, { id });
      if (!data.node) throw Object.assign(new Error('ticket not found'), { code: 'NOT_FOUND' });
      render(data.node);
    } catch (err) {
      el.replaceChildren(errorBox(err));
    }
  };

  load();
  const unsubscribe = session.subscribe(TICKET_EVENTS, { id }, (data) => {
    const ev = data.ticketEvents;
    if (ev.kind === 'RESYNC') return load();
    if (ev.comment) addComment(ev.comment);
    if (ev.ticket && header) {
      const next = headerOf(ev.ticket);
      header.replaceWith(next);
      header = next;
    }
  });
  return { el, dispose: unsubscribe };
}
