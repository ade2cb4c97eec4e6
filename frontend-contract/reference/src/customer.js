// The customer portal: my tickets (#/tickets), a new incident with its mandatory fields
// (#/new) and a ticket's page with its public comments (#/ticket/<id>).
import { CREATE_TICKET, MY_TICKETS, QUEUE_UPDATED } from './operations.js';
import { errorBox, h, slaCell, when } from './dom.js';
import { ticketDetail } from './ticket.js';

function myTickets(session) {
  const tbody = h('tbody', {});
  const status = h('div', {});
  const tickets = new Map();
  const render = () => {
    const rows = [...tickets.values()].sort((a, b) => Date.parse(b.receivedAt) - Date.parse(a.receivedAt));
    tbody.replaceChildren(
      ...rows.map((t) =>
        h(
          'tr',
          { dataset: { ticketId: t.id, number: t.number, status: t.status } },
          h('td', { class: 'number' }, h('a', { href: `#/ticket/${encodeURIComponent(t.id)}` }, t.number)),
          h('td', { class: 'title' }, t.title),
          h('td', {}, t.type),
          h('td', { class: `prio prio-${t.priority}` }, t.priority),
          h('td', { class: 'status' }, t.status),
          slaCell(t),
          h('td', {}, when(t.receivedAt)),
        ),
      ),
    );
  };
  session
    .request(MY_TICKETS, { first: 50 })
    .then((data) => {
      for (const { node } of data.tickets.edges) tickets.set(node.id, node);
      render();
    })
    .catch((err) => status.replaceChildren(errorBox(err)));
  // The customer's own tickets change too (status, SLA): the same queue subscription, which
  // the server narrows to what this user may see.
  const unsubscribe = session.subscribe(QUEUE_UPDATED, {}, ({ queueUpdated: ev }) => {
    if (ev.ticket) {
      tickets.set(ev.ticket.id, ev.ticket);
      render();
    }
  });
  const el = h(
    'section',
    { class: 'my-tickets' },
    h('h2', {}, 'My tickets'),
    status,
    h('table', { id: 'my-tickets', class: 'queue' },
      h('thead', {}, h('tr', {}, ['Number', 'Title', 'Type', 'Prio', 'Status', 'SLA', 'Received'].map((c) => h('th', {}, c)))),
      tbody,
    ),
  );
  return { el, dispose: unsubscribe };
}

// localInput formats an instant for <input type="datetime-local">.
function localInput(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

// newIncident is the incident form. An incident needs module, impact, steps, first occurrence
// and reproduction (the API answers VALIDATION naming every missing one in extensions.fields).
function newIncident(session) {
  const status = h('div', { class: 'form-status' });
  const field = (label, input, hint) => h('label', { class: 'field' }, h('span', {}, label), input, hint ? h('small', {}, hint) : null);
  const text = (name, required) => h('input', { name, required, autocomplete: 'off' });
  const area = (name, required) => h('textarea', { name, required, rows: 3 });
  const select = (name, values) => h('select', { name }, values.map((v) => h('option', { value: v }, v)));
  const inputs = {
    title: text('title', true),
    description: area('description', false),
    priority: h('select', { name: 'priority' }, ['P1', 'P2', 'P3', 'P4'].map((p) => h('option', { value: p, selected: p === 'P3' }, p))),
    module: text('module', true),
    softwareVersion: text('softwareVersion', false),
    environment: select('environment', ['LIVE', 'TEST', 'QA', 'DEV', 'STANDARD_DEMO']),
    impact: area('impact', true),
    steps: area('steps', true),
    firstOccurredAt: h('input', { name: 'firstOccurredAt', type: 'datetime-local', required: true, max: localInput(new Date()) }),
    reproduction: area('reproduction', true),
  };
  const submit = h('button', { type: 'submit' }, 'Create incident');
  const form = h(
    'form',
    {
      id: 'new-incident',
      class: 'incident-form',
      onsubmit: async (ev) => {
        ev.preventDefault();
        status.replaceChildren();
        for (const input of Object.values(inputs)) input.removeAttribute('aria-invalid');
        const v = Object.fromEntries(Object.entries(inputs).map(([k, input]) => [k, input.value.trim()]));
        const input = {
          title: v.title,
          description: v.description || null,
          type: 'INCIDENT',
          priority: v.priority,
          channel: 'PORTAL',
          module: v.module,
          softwareVersion: v.softwareVersion || null,
          environment: v.environment,
          impact: v.impact,
          steps: v.steps,
          firstOccurredAt: v.firstOccurredAt ? new Date(v.firstOccurredAt).toISOString() : null,
          reproduction: v.reproduction,
        };
        submit.disabled = true;
        try {
          const data = await session.request(CREATE_TICKET, { input });
          window.location.hash = `#/ticket/${encodeURIComponent(data.createTicket.ticket.id)}`;
        } catch (err) {
          for (const f of err.fields ?? []) inputs[f]?.setAttribute('aria-invalid', 'true');
          status.replaceChildren(errorBox(err));
        } finally {
          submit.disabled = false;
        }
      },
    },
    field('Title', inputs.title),
    field('Priority', inputs.priority),
    field('Module', inputs.module, 'e.g. Finance / Invoicing'),
    field('Software version', inputs.softwareVersion),
    field('Environment', inputs.environment),
    field('Impact', inputs.impact, 'What can your business not do?'),
    field('Steps', inputs.steps, 'How to get to the error'),
    field('First occurred', inputs.firstOccurredAt),
    field('Reproduction', inputs.reproduction, 'Can we see it again, where?'),
    field('Description', inputs.description),
    h('div', { class: 'form-row' }, submit),
    status,
  );
  inputs.environment.value = 'LIVE';
  return { el: h('section', {}, h('h2', {}, 'New incident'), form), dispose() {} };
}

export function customerView(session) {
  const content = h('div', { class: 'content' });
  let current = null;
  let key = null;
  const el = h(
    'main',
    { class: 'customer' },
    h('nav', { class: 'tabs' }, h('a', { href: '#/tickets' }, 'My tickets'), h('a', { href: '#/new', id: 'nav-new' }, 'New incident')),
    content,
  );
  return {
    el,
    route(parts) {
      const next = parts.join('/') || 'tickets';
      if (next === key) return;
      key = next;
      current?.dispose();
      if (parts[0] === 'ticket' && parts[1]) current = ticketDetail(session, decodeURIComponent(parts[1]));
      else if (parts[0] === 'new') current = newIncident(session);
      else current = myTickets(session);
      content.replaceChildren(current.el);
      for (const a of el.querySelectorAll('nav a')) a.classList.toggle('active', a.getAttribute('href') === `#/${parts[0] ?? 'tickets'}`);
    },
    dispose() {
      current?.dispose();
    },
  };
}
