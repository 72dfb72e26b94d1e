// The operations page: polls /api/operations/overview and redraws the stages. Plain browser
// JavaScript, no framework and nothing loaded from elsewhere; text goes in with textContent only.
/* global document */
'use strict';

const POLL_MS = 2000;

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
  for (const child of children) {
    if (child !== undefined && child !== null) {
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
  }
  return node;
}

function formatNumber(value, digits) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return value.toLocaleString('en-GB', { maximumFractionDigits: digits });
}

function formatSeconds(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const sign = seconds < 0 ? '−' : '';
  const s = Math.abs(seconds);
  if (s < 1) return `${sign}${formatNumber(s * 1000, 0)} ms`;
  if (s < 120) return `${sign}${formatNumber(s, 1)} s`;
  if (s < 7200) return `${sign}${formatNumber(s / 60, 1)} min`;
  if (s < 172800) return `${sign}${formatNumber(s / 3600, 1)} h`;
  return `${sign}${formatNumber(s / 86400, 1)} d`;
}

function formatValue(figure) {
  switch (figure.unit) {
    case 'seconds':
      return formatSeconds(figure.value);
    case 'ratio':
      return figure.value === null ? '–' : `${formatNumber(figure.value * 100, 1)} %`;
    default:
      return formatNumber(figure.value, 2);
  }
}

function breakdownText(breakdown) {
  if (!breakdown) return '';
  return Object.entries(breakdown)
    .filter(([, count]) => count > 0)
    .map(([key, count]) => `${key} ${formatNumber(count, 2)}`)
    .join(', ');
}

function figureRow(figure) {
  const rate =
    figure.ratePerSecond === undefined ? '' : `${formatNumber(figure.ratePerSecond, 2)}/s`;
  const row = el(
    'tr',
    { 'data-figure': figure.id, class: figure.warning ? 'warning' : '' },
    el('td', {}, figure.label, el('div', { class: 'breakdown' }, breakdownText(figure.breakdown))),
    el('td', { class: 'value' }, formatValue(figure)),
    el('td', { class: 'rate' }, rate),
  );
  if (figure.warning) row.cells[0].append(el('div', { class: 'note' }, figure.warning));
  return row;
}

function latencyRow(latency) {
  return el(
    'tr',
    { 'data-latency': latency.id, title: `${latency.count} observations (${latency.basis})` },
    el('td', {}, latency.label),
    el('td', { class: 'p50' }, formatSeconds(latency.p50)),
    el('td', { class: 'p95' }, formatSeconds(latency.p95)),
    el('td', { class: 'p99' }, formatSeconds(latency.p99)),
  );
}

function stageCard(stage) {
  const card = el('section', { class: 'stage', 'data-stage': stage.id }, el('h2', {}, stage.title));
  card.append(
    el(
      'table',
      { class: 'figures' },
      el('thead', {}, el('tr', {}, el('th', {}, ''), el('th', {}, 'now'), el('th', {}, 'rate'))),
      el('tbody', {}, ...stage.figures.map(figureRow)),
    ),
  );
  if (stage.latencies.length > 0) {
    card.append(
      el(
        'table',
        { class: 'latencies' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            el('th', {}, 'latency'),
            el('th', {}, 'p50'),
            el('th', {}, 'p95'),
            el('th', {}, 'p99'),
          ),
        ),
        el('tbody', {}, ...stage.latencies.map(latencyRow)),
      ),
    );
  }
  return card;
}

function render(overview) {
  const services = document.getElementById('services');
  services.replaceChildren(
    ...overview.services.map((s) =>
      el(
        'span',
        { class: s.up ? 'service' : 'service down', 'data-service': s.service },
        `${s.service} ${s.up ? 'up' : `down (${s.error || 'no answer'})`}`,
      ),
    ),
  );
  document.getElementById('pipeline').replaceChildren(...overview.stages.map(stageCard));
  const status = document.getElementById('status');
  status.textContent = `Updated ${new Date(overview.generatedAt).toLocaleTimeString('en-GB')} · window ${overview.windowSeconds} s`;
  status.setAttribute('data-generated-at', overview.generatedAt);
}

async function poll() {
  try {
    const response = await fetch('/api/operations/overview', { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    render(await response.json());
  } catch (error) {
    document.getElementById('status').textContent = `Could not refresh: ${error.message}`;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

void poll();
