// Supportdesk reference page: sign in, then the agent's live queue (staff) or the customer
// portal (customer users). Hash routes: #/ticket/<id>, #/tickets, #/new.
import './style.css';
import { API_URL, Session } from './api.js';
import { agentView } from './agent.js';
import { customerView } from './customer.js';
import { errorBox, h } from './dom.js';

const app = document.getElementById('app');
let session = Session.restore();
let view = null;

function loginView() {
  const email = h('input', { name: 'email', type: 'email', required: true, autocomplete: 'username', placeholder: 'desk@nordic-erp.example' });
  const password = h('input', { name: 'password', type: 'password', required: true, autocomplete: 'current-password' });
  const status = h('div', {});
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    {
      id: 'login',
      class: 'login',
      onsubmit: async (ev) => {
        ev.preventDefault();
        submit.disabled = true;
        status.replaceChildren();
        try {
          session = await Session.login(email.value.trim(), password.value);
          window.location.hash = '';
          start();
        } catch (err) {
          status.replaceChildren(errorBox(err));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h1', {}, 'Supportdesk'),
    h('p', { class: 'muted' }, 'Reference page · API ', h('code', {}, API_URL)),
    h('label', { class: 'field' }, h('span', {}, 'E-mail'), email),
    h('label', { class: 'field' }, h('span', {}, 'Password'), password),
    h('div', { class: 'form-row' }, submit),
    status,
    h('p', { class: 'muted small' }, 'Demo logins: desk@nordic-erp.example (agent), key@mueller.example (customer); password demo-password.'),
  );
  return { el: h('main', { class: 'login-page' }, form), route() {}, dispose() {} };
}

function shell(session, inner) {
  const user = session.user;
  // data-refreshes / data-reauthenticated: token refreshes so far, and how many of them
  // renewed the WebSocket (read by the browser test).
  const who = h('span', { id: 'who', dataset: { role: user.role, refreshes: '0', reauthenticated: '0' } }, `${user.name} · ${user.role} · ${user.organization.name}`);
  session.onRefreshed = (s) => {
    who.dataset.refreshes = String(s.refreshes);
    who.dataset.reauthenticated = String(s.reauthenticated);
  };
  return h(
    'div',
    { class: 'shell' },
    h(
      'header',
      { class: 'topbar' },
      h('strong', {}, 'Supportdesk'),
      h('span', { class: 'muted' }, session.isStaff ? 'Agent desk' : 'Customer portal'),
      h('span', { class: 'spacer' }),
      who,
      h('button', { type: 'button', id: 'logout', onclick: () => session.logout() }, 'Sign out'),
    ),
    inner,
  );
}

function route() {
  view?.route(window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean));
}

function start() {
  view?.dispose();
  if (!session) {
    view = loginView();
    app.replaceChildren(view.el);
    return;
  }
  session.onSignedOut = () => {
    session = null;
    window.location.hash = '';
    start();
  };
  view = session.isStaff ? agentView(session) : customerView(session);
  app.replaceChildren(shell(session, view.el));
  route();
}

window.addEventListener('hashchange', route);
start();
