// The agent's view: the working queue, kept live by the queueUpdated subscription, with each
// ticket's SLA state; a click opens the ticket beside it (#/ticket/<id>).
import { QUEUE, QUEUE_UPDATED } from './operations.js';
import { errorBox, h, slaCell } from './dom.js';
import { ticketDetail } from './ticket.js';

// Statuses that leave the queue (the server's ClosedTicketStatuses).
const CLOSED = new Set(['RESOLVED', 'CLOSED', 'DUPLICATE', 'REJECTED', 'DECLINED']);
const PAGE = 100;

// The queue's order, as the server sorts it: priority, then the oldest inquiry, then id.
function byUrgency(a, b) {
  return a.priority.localeCompare(b.priority) || Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || a.id.localeCompare(b.id);
}

export function agentView(session) {
  const tickets = new Map();
  const tbody = h('tbody', {});
  const total = h('span', { class: 'total' }, '');
  const status = h('div', { class: 'queue-status' });
  const log = h('ol', { class: 'event-log', reversed: true });
  const detail = h('div', { class: 'detail-pane' }, h('p', { class: 'muted' }, 'Select a ticket.'));
  let current = null;
  let fresh = new Set();

  const row = (t) =>
    h(
      'tr',
      {
        class: [fresh.has(t.id) ? 'fresh' : '', current?.id === t.id ? 'selected' : ''].join(' ').trim() || null,
        dataset: { ticketId: t.id, number: t.number, status: t.status },
        onclick: () => (window.location.hash = `#/ticket/${encodeURIComponent(t.id)}`),
      },
      h('td', { class: 'number' }, h('a', { href: `#/ticket/${encodeURIComponent(t.id)}` }, t.number)),
      h('td', { class: 'title' }, t.title),
      h('td', {}, t.customer.name),
      h('td', { class: `prio prio-${t.priority}` }, t.priority),
      h('td', { class: 'status' }, t.status),
      h('td', {}, t.level),
      h('td', {}, t.assignee?.name ?? '—'),
      slaCell(t),
    );

  const render = () => {
    const rows = [...tickets.values()].sort(byUrgency);
    tbody.replaceChildren(...(rows.length ? rows.map(row) : [h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'The queue is empty.'))]));
    total.textContent = `${rows.length} open`;
  };

  const load = async () => {
    try {
      const data = await session.request(QUEUE, { first: PAGE });
      tickets.clear();
      for (const { node } of data.queue.edges) tickets.set(node.id, node);
      status.replaceChildren();
      render();
    } catch (err) {
      status.replaceChildren(errorBox(err));
    }
  };

  const onEvent = ({ queueUpdated: ev }) => {
    log.prepend(h('li', {}, `${new Date().toLocaleTimeString('en-GB')} ${ev.kind}${ev.ticket ? ` ${ev.ticket.number}` : ''}`));
    while (log.children.length > 8) log.lastChild.remove();
    if (ev.kind === 'RESYNC') return load();
    const t = ev.ticket;
    if (!t) return;
    if (CLOSED.has(t.status)) tickets.delete(t.id);
    else {
      if (!tickets.has(t.id)) {
        // Highlighted for a while as new.
        fresh.add(t.id);
        setTimeout(() => fresh.delete(t.id) && render(), 15_000);
      }
      tickets.set(t.id, t);
    }
    render();
  };

  const liveBadge = h('span', { id: 'live-status', class: 'live', dataset: { state: 'idle' } }, 'offline');
  // After every (re)connection: refetch, since events may have been missed meanwhile; the
  // badge says "live" once the subscription is running and the queue is current.
  const offLive = session.onLive(async (state) => {
    if (state === 'live') {
      liveBadge.dataset.state = 'syncing';
      liveBadge.textContent = 'syncing';
      await load();
      if (session.liveState === 'live') {
        liveBadge.dataset.state = 'live';
        liveBadge.textContent = 'live';
      }
    } else {
      liveBadge.dataset.state = state;
      liveBadge.textContent = state === 'closed' ? 'reconnecting' : state;
    }
  });
  const unsubscribe = session.subscribe(QUEUE_UPDATED, {}, onEvent, (err) => status.replaceChildren(errorBox(err)));
  load();

  const showTicket = (id) => {
    current?.dispose();
    current = id ? { id, ...ticketDetail(session, id) } : null;
    detail.replaceChildren(current ? current.el : h('p', { class: 'muted' }, 'Select a ticket.'));
    fresh = new Set([...fresh].filter((f) => f !== id));
    render();
  };

  const el = h(
    'main',
    { class: 'agent' },
    h('section', { class: 'queue-pane' },
      h('div', { class: 'pane-title' }, h('h2', {}, 'Queue'), total, liveBadge),
      status,
      h('table', { id: 'queue', class: 'queue' },
        h('thead', {}, h('tr', {}, ['Number', 'Title', 'Customer', 'Prio', 'Status', 'Level', 'Assignee', 'SLA'].map((c) => h('th', {}, c)))),
        tbody,
      ),
      h('h3', {}, 'Live events'),
      log,
    ),
    detail,
  );

  return {
    el,
    route(parts) {
      const id = parts[0] === 'ticket' ? decodeURIComponent(parts[1] ?? '') : null;
      if ((current?.id ?? null) !== id) showTicket(id);
    },
    dispose() {
      unsubscribe();
      offLive();
      current?.dispose();
    },
  };
}
