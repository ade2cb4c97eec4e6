// A tiny element builder: h('tr', { class: 'x', dataset: { id } }, child, ...). Text is always
// set as text, never parsed as HTML.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'value' || key === 'checked') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function when(instant) {
  return instant ? new Date(instant).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'short' }) : '—';
}

// minutes formats business minutes as "3h 20m".
export function minutes(n) {
  const sign = n < 0 ? '−' : '';
  const abs = Math.abs(n);
  const hh = Math.floor(abs / 60);
  return `${sign}${hh ? `${hh}h ` : ''}${abs % 60}m`;
}

const SLA_LABEL = { ON_TRACK: 'on track', AT_RISK: 'at risk', BREACHED: 'breached', MET: 'met' };

function measure(label, m) {
  const left = m.state === 'MET' ? '' : ` (${minutes(m.remainingMinutes)} left)`;
  return h(
    'span',
    { class: `sla-state sla-${m.state}`, title: `due ${when(m.dueAt)}` },
    `${label}: ${SLA_LABEL[m.state] ?? m.state}${left}`,
  );
}

// slaCell shows a ticket's two SLA clocks; data attributes carry the raw states for tests.
export function slaCell(ticket) {
  const sla = ticket.sla;
  if (!sla) return h('td', { class: 'sla', dataset: { slaFirst: 'NONE', slaResolution: 'NONE' } }, 'no SLA');
  return h(
    'td',
    { class: 'sla', dataset: { slaFirst: sla.firstResponse.state, slaResolution: sla.resolution.state } },
    measure('response', sla.firstResponse),
    ' ',
    measure('resolution', sla.resolution),
    sla.paused ? h('span', { class: 'sla-paused' }, ' paused') : null,
  );
}

export function errorBox(err) {
  const fields = err.fields?.length ? ` (${err.fields.join(', ')})` : '';
  return h('p', { class: 'error', role: 'alert', dataset: { code: err.code ?? 'ERROR' } }, `${err.code ?? 'ERROR'}: ${err.message}${fields}`);
}
