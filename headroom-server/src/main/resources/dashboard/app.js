// Headroom dashboard: polls the admin API (docs/api.md) once a second and renders overview cards, live charts
// (uPlot), target groups and auto scaling groups. Plain ES module, no build step; uPlot is the global `uPlot`.
//
// Rendering is keyed: rows, sections and charts are created once and updated in place, so buttons and inputs
// keep their focus and identity across refreshes.

const POLL_MS = 1000;
const HISTORY_S = 900; // what the page keeps; the range buttons show the last 5 or 15 minutes of it
const PALETTE = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed', '#0891b2', '#dc2626', '#4b5563'];

let rangeS = 300;
let tickNo = 0;

// ---------------------------------------------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls the admin API; resolves to the parsed JSON body or rejects with an ApiError carrying the API's message. */
async function api(path, method = 'GET', body = undefined) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'NetworkError', 'the admin API does not answer (' + e.message + ')');
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    const message = json && json.message ? json.message : `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, json && json.code, message);
  }
  return json;
}

const enc = encodeURIComponent;

// ---------------------------------------------------------------------------------------------------- DOM helpers

/** h('div.card', {title: 'x'}, 'text', child); the attributes object may be left out. */
function h(spec, attrs, ...children) {
  if (attrs instanceof Node || typeof attrs === 'string' || Array.isArray(attrs)) {
    children.unshift(attrs);
    attrs = null;
  }
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function setText(el, text) {
  const t = text === null || text === undefined ? '' : String(text);
  if (el.textContent !== t) el.textContent = t;
}

function setAttr(el, name, value) {
  const v = value === null || value === undefined ? null : String(value);
  if (v === null) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== v) {
    el.setAttribute(name, v);
  }
}

/**
 * Makes `container`'s children the rows for `items`, in order: existing rows (found by key) are updated, new ones
 * created, stale ones removed. `empty` is the node shown when there are no items.
 */
function syncChildren(container, items, key, create, update, empty) {
  container._rows = container._rows || new Map();
  const rows = container._rows;
  const keep = new Set();
  items.forEach((item, i) => {
    const k = key(item);
    keep.add(k);
    let row = rows.get(k);
    if (!row) {
      row = create(item);
      row.dataset.key = k;
      rows.set(k, row);
    }
    update(row, item);
    const at = container.children[i];
    if (at !== row) container.insertBefore(row, at || null);
  });
  for (const [k, row] of rows) {
    if (!keep.has(k)) {
      row.remove();
      rows.delete(k);
    }
  }
  if (container._empty && container._empty !== empty) container._empty.remove();
  container._empty = null;
  if (items.length === 0 && empty) {
    container.append(empty);
    container._empty = empty;
  }
}

function badge(el, text, kind, extra = '') {
  setText(el, text);
  const cls = 'badge ' + kind + (extra ? ' ' + extra : '');
  if (el.className !== cls) el.className = cls;
}

const TARGET_STATE = { healthy: 'ok', initial: 'info', unhealthy: 'bad', 'unhealthy.draining': 'bad', draining: 'warn', unused: 'muted', unavailable: 'muted' };
const LIFECYCLE = { InService: 'ok', Pending: 'info', 'Pending:Wait': 'warn', 'Warmed:Pending': 'info', 'Warmed:Pending:Wait': 'warn', 'Warmed:Stopped': 'muted', 'Warmed:Running': 'muted', EnteringStandby: 'warn', Standby: 'muted', 'Terminating:Draining': 'warn', 'Terminating:Wait': 'warn', Terminating: 'warn', Terminated: 'muted', Detaching: 'warn', Detached: 'muted' };
/** What the states a user's detach leads to mean, as the lifecycle badge's title. */
const LIFECYCLE_TITLE = {
  Detaching: 'Detaching: deregistered from the target groups and draining; it keeps running',
  Detached: 'Detached: no longer in this group; still running until attached to a group or Headroom stops',
};
const ACTIVITY = { Successful: 'ok', InProgress: 'info', WaitingForELBConnectionDraining: 'warn', MidLifecycleAction: 'warn', Failed: 'bad', Cancelled: 'muted' };
const ALARM = { OK: 'ok', ALARM: 'bad', INSUFFICIENT_DATA: 'muted' };

function kindOf(map, value) {
  return map[value] || 'muted';
}

// ---------------------------------------------------------------------------------------------------- formatting

function fmtNumber(v, decimals = 1) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(decimals);
}

function fmtClock(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return d.toLocaleTimeString('en-GB', { hour12: false });
}

function fmtAgo(iso, nowMs = Date.now()) {
  if (!iso) return '';
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined) return '';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

// ---------------------------------------------------------------------------------------------------- metric series

/** One metric series at 1-second resolution, fetched incrementally and kept for HISTORY_S seconds. */
class Series {
  constructor(name, dimensions, statistic) {
    this.name = name;
    this.dimensions = dimensions;
    this.statistic = statistic;
    this.points = new Map(); // epoch second -> value
    this.last = null;
    this.wanted = tickNo;
  }

  async fetch() {
    // Re-read the last few seconds: the newest one may still be filling when first read.
    const start = this.last === null ? `-${HISTORY_S}s` : new Date((this.last - 3) * 1000).toISOString();
    const q = new URLSearchParams({ name: this.name, start, period: '1', statistic: this.statistic });
    if (this.dimensions) q.set('dimensions', this.dimensions);
    const r = await api(`api/v1/metrics?${q}`);
    for (const dp of r.datapoints || []) {
      const t = Math.floor(Date.parse(dp.timestamp) / 1000);
      this.points.set(t, dp.value);
      if (this.last === null || t > this.last) this.last = t;
    }
    if (this.last !== null) {
      for (const t of this.points.keys()) {
        if (t <= this.last - HISTORY_S) this.points.delete(t);
      }
    }
  }

  /** Sum of the values in (end - seconds, end]. */
  sum(end, seconds) {
    let total = 0;
    for (const [t, v] of this.points) if (t > end - seconds && t <= end) total += v;
    return total;
  }
}

const seriesByKey = new Map();

/** The series for (name, dimensions, statistic), created on first use and marked wanted for this tick. */
function series(name, dimensions, statistic) {
  const key = `${name}|${dimensions}|${statistic}`;
  let s = seriesByKey.get(key);
  if (!s) {
    s = new Series(name, dimensions, statistic);
    seriesByKey.set(key, s);
  }
  s.wanted = tickNo;
  return s;
}

async function fetchWantedSeries() {
  for (const [key, s] of seriesByKey) {
    if (s.wanted < tickNo - 5) seriesByKey.delete(key);
  }
  const wanted = [...seriesByKey.values()].filter((s) => s.wanted === tickNo);
  await Promise.all(wanted.map((s) => s.fetch().catch(() => undefined)));
}

/** The oldest second any wanted series holds, or null. */
function earliestSecond() {
  let first = null;
  for (const s of seriesByKey.values()) {
    for (const t of s.points.keys()) if (first === null || t < first) first = t;
  }
  return first;
}

/** The newest second any wanted series has data for: the right edge of every chart. */
function latestSecond() {
  let end = null;
  for (const s of seriesByKey.values()) if (s.last !== null && (end === null || s.last > end)) end = s.last;
  return end === null ? Math.floor(Date.now() / 1000) - 1 : end;
}

// ---------------------------------------------------------------------------------------------------- charts

/** Indices of values with no neighbour (a line cannot show them), for uPlot's points.filter. */
function isolatedPoints(u, sIdx) {
  const d = u.data[sIdx];
  const out = [];
  for (let i = 0; i < d.length; i++) {
    if (d[i] !== null && (i === 0 || d[i - 1] === null) && (i === d.length - 1 || d[i + 1] === null)) out.push(i);
  }
  return out.length ? out : null;
}

function lastValue(values) {
  if (!values) return null;
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null && values[i] !== undefined) return values[i];
  return null;
}

/** Clock labels for time-axis ticks: HH:MM, or HH:MM:SS when the ticks fall inside minutes. */
function timeLabels(ticks) {
  const seconds = ticks.some((t) => t % 60 !== 0);
  return ticks.map((t) => new Date(t * 1000).toLocaleTimeString('en-GB',
    seconds ? { hour12: false } : { hour: '2-digit', minute: '2-digit', hour12: false }));
}

/**
 * A uPlot chart over the last `rangeS` seconds. `set(lines, end)` takes
 * [{label, color, series, fill0, scale, dash, width}]; the uPlot instance is rebuilt only when the set of lines
 * changes. `data-points` on the container counts the real (not filled) datapoints shown, for tests and debugging.
 */
class LiveChart {
  constructor(container, { height = 150, decimals = 1, stepped = false, integer = false, emptyText = 'No data yet' } = {}) {
    this.integer = integer;
    this.container = container;
    this.height = height;
    this.decimals = decimals;
    this.stepped = stepped;
    this.emptyText = emptyText;
    this.signature = null;
    this.plot = null;
    this.overlay = h('div.chart-empty', { text: emptyText });
    container.append(this.overlay);
    container.dataset.points = '0';
    this.resizer = new ResizeObserver(() => {
      if (this.plot) {
        const w = this.width();
        if (w !== this.plot.width) this.plot.setSize({ width: w, height: this.height });
      }
    });
    this.resizer.observe(container);
  }

  width() {
    return Math.max(200, Math.floor(this.container.clientWidth));
  }

  destroy() {
    this.resizer.disconnect();
    if (this.plot) this.plot.destroy();
  }

  build(lines) {
    if (this.plot) this.plot.destroy();
    const fmt = (v) => fmtNumber(v, this.decimals);
    const axis = {
      stroke: '#475569',
      font: '11px system-ui, sans-serif',
      grid: { stroke: '#eef1f5', width: 1 },
      ticks: { stroke: '#e2e8f0', width: 1, size: 4 },
    };
    const opts = {
      width: this.width(),
      height: this.height,
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      legend: { show: true, live: true },
      scales: {
        x: { time: true },
        y: { range: (u, min, max) => [0, max === null || max <= 0 ? 1 : max * 1.15] },
      },
      axes: [
        // Whole minutes only, so labels stay HH:MM and never crowd.
        { ...axis, space: 48, incrs: [60, 120, 300, 600, 900, 1800, 3600], values: (u, ticks) => timeLabels(ticks) },
        {
          ...axis,
          size: 46,
          values: (u, ticks) => ticks.map((t) => fmtNumber(t, t < 10 ? 1 : 0)),
          // Counts of things (instances, errors) get whole-number ticks.
          incrs: this.integer ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000] : undefined,
        },
      ],
      series: [
        { value: (u, v) => (v === null ? '' : new Date(v * 1000).toLocaleTimeString('en-GB', { hour12: false })) },
        ...lines.map((l) => ({
          label: l.label,
          stroke: l.color,
          width: l.width || 1.6,
          dash: l.dash,
          // Counters are filled with zeros; gauges bridge missing seconds; a lone datapoint is drawn as a dot.
          points: { show: false, size: 5, fill: l.color, filter: isolatedPoints },
          spanGaps: !l.fill0,
          paths: this.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
          // Off the plot the legend shows each line's newest value.
          value: (u, v, sIdx, idx) => {
            if (idx === null || idx === undefined) v = lastValue(u.data[sIdx]);
            return v === null || v === undefined ? '–' : fmt(v);
          },
        })),
      ],
    };
    const data = [[], ...lines.map(() => [])];
    this.plot = new uPlot(opts, data, this.container);
  }

  set(lines, end, first) {
    setText(this.overlay, this.emptyText);
    const signature = lines.map((l) => `${l.label}/${l.color}/${l.dash || ''}`).join('|');
    if (lines.length === 0) {
      if (this.plot) {
        this.plot.destroy();
        this.plot = null;
      }
      this.signature = signature;
      this.container.dataset.points = '0';
      this.overlay.hidden = false;
      return;
    }
    if (signature !== this.signature) {
      this.build(lines);
      this.signature = signature;
    }
    // A young server shows what it has (at least a minute) rather than a mostly empty range.
    const span = first === null || first === undefined ? rangeS : Math.min(rangeS, Math.max(60, end - first + 1));
    const start = end - span + 1;
    const xs = new Array(span);
    for (let i = 0; i < span; i++) xs[i] = start + i;
    let real = 0;
    const ys = lines.map((l) => {
      const first = l.series.points.size ? Math.min(...l.series.points.keys()) : null;
      return xs.map((t) => {
        const v = l.series.points.get(t);
        if (v !== undefined) {
          real++;
          return l.scale ? l.scale(v) : v;
        }
        // Counters with no datapoint in a second counted nothing; gauges are unknown there.
        return l.fill0 && first !== null && t >= first && t <= l.series.last ? 0 : null;
      });
    });
    this.plot.setData([xs, ...ys]);
    this.plot.setLegend();
    this.container.dataset.points = String(real);
    this.overlay.hidden = real > 0;
  }
}

/**
 * The capacity forecasts of a group's predictive scaling policies: one stepped line per policy over its 48 hourly
 * points (AWS's capacityForecast). Rebuilt only when the forecast changes (hourly); `data-points` counts the points.
 */
class ForecastChart {
  constructor(container) {
    this.container = container;
    this.plot = null;
    this.signature = null;
    container.dataset.points = '0';
    this.resizer = new ResizeObserver(() => {
      const w = Math.max(200, Math.floor(container.clientWidth));
      if (this.plot && w !== this.plot.width) this.plot.setSize({ width: w, height: 150 });
    });
    this.resizer.observe(container);
  }

  set(forecasts) {
    const withPoints = forecasts.filter((f) => ((f.capacityForecast || {}).values || []).length > 0);
    const signature = JSON.stringify(withPoints.map((f) => [f.policyName, f.capacityForecast]));
    if (signature === this.signature) return;
    this.signature = signature;
    if (this.plot) this.plot.destroy();
    this.plot = null;
    this.container.dataset.points = '0';
    if (withPoints.length === 0) return;
    const xs = withPoints[0].capacityForecast.timestamps.map((t) => Date.parse(t) / 1000);
    const ys = withPoints.map((f) => xs.map((x) => {
      const i = f.capacityForecast.timestamps.findIndex((t) => Date.parse(t) / 1000 === x);
      return i < 0 ? null : f.capacityForecast.values[i];
    }));
    const axis = { stroke: '#475569', font: '11px system-ui, sans-serif', grid: { stroke: '#eef1f5', width: 1 },
      ticks: { stroke: '#e2e8f0', width: 1, size: 4 } };
    this.plot = new uPlot({
      width: Math.max(200, Math.floor(this.container.clientWidth)),
      height: 150,
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, max === null || max <= 0 ? 1 : max * 1.15] } },
      axes: [
        { ...axis, space: 60, values: (u, ticks) => ticks.map((t) => new Date(t * 1000).toLocaleString('en-GB',
          { weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false })) },
        { ...axis, size: 40, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
      ],
      series: [
        { value: (u, v) => (v === null ? '' : new Date(v * 1000).toLocaleString('en-GB', { hour12: false })) },
        ...withPoints.map((f, i) => ({ label: `${f.policyName} (${f.mode})`, stroke: color(i), width: 2,
          paths: uPlot.paths.stepped({ align: 1 }),
          // Off the plot the legend shows this hour's capacity.
          value: (u, v, sIdx, idx) => {
            const x = idx === null || idx === undefined ? u.data[sIdx][0] : v;
            return x === null || x === undefined ? '–' : `${x} instance${x === 1 ? '' : 's'}`;
          } })),
      ],
    }, [xs, ...ys], this.container);
    this.container.dataset.points = String(ys.reduce((n, y) => n + y.filter((v) => v !== null).length, 0));
  }
}

// ---------------------------------------------------------------------------------------------------- state

const charts = {
  requests: new LiveChart(document.getElementById('chart-requests'), { decimals: 1, emptyText: 'No requests yet' }),
  latency: new LiveChart(document.getElementById('chart-latency'), { decimals: 1, emptyText: 'No responses yet' }),
  errors: new LiveChart(document.getElementById('chart-5xx'), { decimals: 0, integer: true, emptyText: 'No data yet' }),
  cpu: new LiveChart(document.getElementById('chart-cpu'), { decimals: 1, emptyText: 'No auto scaling groups' }),
};

let lastData = null;

// ---------------------------------------------------------------------------------------------------- overview

function card(id, value, sub, tone) {
  const el = document.getElementById(id);
  setText(el.querySelector('.value'), value);
  if (sub !== undefined) setText(el.querySelector('.sub'), sub);
  const cls = 'card' + (tone ? ' ' + tone : '');
  if (el.className !== cls) el.className = cls;
}

function renderOverview(status, tgs, asgs, metrics, end) {
  const lbs = status.loadBalancers || [];
  const listeners = lbs.flatMap((lb) => lb.listeners.map((l) => `${lb.name} :${l.port} ${l.protocol}`));
  card('card-lb', String(lbs.length), lbs.length ? listeners.slice(0, 2).join(', ') + (listeners.length > 2 ? ` +${listeners.length - 2}` : '') : 'none configured');
  setAttr(document.querySelector('#card-lb .sub'), 'title', listeners.join(', '));

  // Each load balancer's newest second (series are sampled independently, so not all have `end` yet). Only
  // application load balancers count requests; with network ones alone the card counts new flows.
  const flowsOnly = lbs.length > 0 && lbs.every((lb) => lb.type === 'network');
  setText(document.querySelector('#card-rps .label'), flowsOnly ? 'New flows / s' : 'Requests / s');
  const rps = metrics.lbRequests.filter((s, i) => flowsOnly || lbs[i].type !== 'network')
    .reduce((a, s) => a + (s.last !== null && s.last >= end - 2 ? s.points.get(s.last) || 0 : 0), 0);
  const avg = lbs.reduce((a, lb) => a + (lb.requestsPerSecond || 0), 0);
  card('card-rps', fmtNumber(rps, 1), `last second · 60 s avg ${fmtNumber(avg, 1)}`);

  const healthy = tgs.reduce((a, g) => a + g.healthyCount, 0);
  const total = tgs.reduce((a, g) => a + g.totalCount, 0);
  card('card-targets', `${healthy} / ${total}`,
    tgs.length ? `in ${tgs.length} target group${tgs.length === 1 ? '' : 's'}` : 'no target groups',
    total > 0 && healthy === 0 ? 'bad' : healthy < total ? 'warn' : '');

  if (asgs.length) {
    const desired = asgs.reduce((a, g) => a + g.desiredCapacity, 0);
    const inService = asgs.reduce((a, g) => a + g.inService, 0);
    const pending = asgs.reduce((a, g) => a + g.pending, 0);
    card('card-capacity', `${desired} / ${inService}`,
      `${pending} Pending · ${asgs.length} group${asgs.length === 1 ? '' : 's'}`, inService < desired ? 'warn' : '');
  } else {
    card('card-capacity', '–', 'no auto scaling groups');
  }

  const errors5xx = metrics.errorSeries.reduce((a, s) => a + s.sum(end, 60), 0);
  card('card-5xx', fmtNumber(errors5xx, 0), 'last 60 s (ELB + target)', errors5xx > 0 ? 'bad' : '');

  const alarms = (status.autoScalingGroups || []).reduce((a, g) => a + (g.alarmsInAlarm || 0), 0);
  const alarmCount = asgs.reduce((a, g) => a + (g.alarms || []).length, 0);
  card('card-alarms', String(alarms), alarmCount ? `of ${alarmCount} alarm${alarmCount === 1 ? '' : 's'}` : 'no alarms', alarms > 0 ? 'bad' : '');
}

function renderMeta(status) {
  const parts = [];
  if (status.version) parts.push(`v${status.version}`);
  if (status.uptimeSeconds !== undefined && status.uptimeSeconds !== null) parts.push(`up ${fmtDuration(status.uptimeSeconds)}`);
  if (status.config) parts.push(status.config);
  setText(document.getElementById('meta'), parts.join(' · '));
}

// ---------------------------------------------------------------------------------------------------- load balancers

const UDP_PROTOCOLS = new Set(['UDP', 'TCP_UDP']);

function fmtBytes(v) {
  if (v === null || v === undefined) return '–';
  if (v >= 1048576) return `${fmtNumber(v / 1048576, 1)} MB`;
  if (v >= 1024) return `${fmtNumber(v / 1024, 1)} kB`;
  return `${fmtNumber(v, 0)} B`;
}

/** A listener's default action in a few words: forward to (weighted) target groups, redirect or fixed response. */
function actionText(a) {
  if (!a) return '–';
  if (a.authenticateOidc) {
    // authenticate-oidc comes first, then the action it leads to (AWS lists them in that order).
    const then = { ...a, type: a.type.replace(/^authenticate-oidc,/, '') };
    delete then.authenticateOidc;
    return `authenticate (OIDC), then ${actionText(then)}`;
  }
  if (a.type === 'forward') {
    const tgs = a.forward.targetGroups;
    return `forward to ${tgs.map((t) => (tgs.length > 1 ? `${t.name} (${t.weight})` : t.name)).join(', ')}`;
  }
  if (a.type === 'redirect') return `redirect ${a.redirect.statusCode.replace('HTTP_', '')} to ${a.redirect.protocol}://${a.redirect.host}:${a.redirect.port}${a.redirect.path}`;
  return `fixed response ${a.fixedResponse.statusCode}`;
}

/** The load balancer's attributes a user looks for: idle timeout, HTTP/2, desync mode, logs. */
function lbFacts(lb) {
  const on = (b) => (b ? 'on' : 'off');
  const facts = [`idle timeout ${fmtDuration(lb.idleTimeoutSeconds)}`];
  if (lb.type === 'network') {
    if (lb.listeners.some((l) => UDP_PROTOCOLS.has(l.protocol))) facts.push('UDP flow idle timeout 2 min 0 s');
  } else {
    facts.push(`HTTP/2 ${on(lb.http2Enabled)}`, `desync mitigation ${lb.desyncMitigationMode}`,
      `X-Forwarded-For ${lb.xffHeaderProcessingMode}`, `client keepalive ${fmtDuration(lb.clientKeepAliveSeconds)}`);
    if (lb.dropInvalidHeaderFieldsEnabled) facts.push('drops invalid header fields');
    if (lb.preserveHostHeaderEnabled) facts.push('preserves Host');
  }
  // Access and connection logs are application load balancers' (as on AWS).
  const log = lb.accessLog;
  if (log && lb.type !== 'network') facts.push(log.enabled ? `access log ${log.format} to ${log.path}` : 'access log off');
  const conn = lb.connectionLog;
  if (conn && lb.type !== 'network') facts.push(conn.enabled ? `connection log to ${conn.path}` : 'connection log off');
  return facts.join(' · ');
}

function createLoadBalancer(lb) {
  return h('article.panel.lb', { dataset: { loadBalancer: lb.name } },
    h('header.section-head',
      h('h3', { text: lb.name }),
      h('span.kind'),
      h('span.count.traffic'),
      h('span.facts')),
    h('table.grid.listeners', null,
      h('thead', null, h('tr', null, ...['Listener', 'Protocol', 'Default action', 'Rules'].map((t) => h('th', { text: t })))),
      h('tbody')));
}

function updateLoadBalancer(el, lb, m, end) {
  setText(el.querySelector('.kind'), `${lb.type} load balancer`);
  const s = m.lbByName.get(lb.name) || {};
  // A counter's newest complete second, or 0 when the series has said nothing lately.
  const newest = (x) => (x && x.last !== null && x.last >= end - 2 ? x.points.get(x.last) || 0 : 0);
  const traffic = lb.type === 'network'
    ? [`${fmtNumber(newest(s.requests), 0)} new flows/s`, `${fmtNumber(newest(s.activeFlows), 0)} active flow${newest(s.activeFlows) === 1 ? '' : 's'}`,
      ...(s.activeUdpFlows ? [`${fmtNumber(newest(s.activeUdpFlows), 0)} UDP`] : []), `${fmtBytes(newest(s.bytes))}/s`]
    : [`${fmtNumber(newest(s.requests), 1)} requests/s`, `${fmtBytes(newest(s.bytes))}/s`];
  const count = el.querySelector('.traffic');
  setText(count, traffic.join(' · '));
  setAttr(count, 'title', lb.type === 'network'
    ? 'Last second: NewFlowCount, ActiveFlowCount' + (s.activeUdpFlows ? ' (of which ActiveFlowCount_UDP)' : '') + ', ProcessedBytes'
    : 'Last second: RequestCount, ProcessedBytes');
  if (count.className !== 'count traffic muted') count.className = 'count traffic muted';
  setText(el.querySelector('.facts'), lbFacts(lb));
  const tbody = el.querySelector('tbody');
  tbody._emptyRow = tbody._emptyRow || h('tr.empty-row', null, h('td', { colspan: 4, text: 'No listeners.' }));
  syncChildren(tbody, lb.listeners, (l) => `${l.address}:${l.port}/${l.protocol}`,
    () => h('tr', null, h('td.mono'), h('td', null, h('span.badge.protocol')), h('td'), h('td')),
    (row, l) => {
      const c = row.children;
      setText(c[0], `${l.address}:${l.port}`);
      badge(c[1].firstChild, l.protocol, 'info', 'protocol');
      const mtls = l.mutualAuthentication && l.mutualAuthentication.mode !== 'off' ? ` · mutual TLS ${l.mutualAuthentication.mode}` : '';
      setText(c[2], actionText(l.defaultAction) + mtls);
      setText(c[3], lb.type === 'network' ? '–' : String((l.rules || []).length));
    }, tbody._emptyRow);
}

function renderLoadBalancers(lbs, m, end) {
  const root = document.getElementById('load-balancers');
  root._emptyNode = root._emptyNode || h('p.empty', { text: 'No load balancers. Add one under loadBalancers in the config.' });
  if (root.firstElementChild && root.firstElementChild.textContent === 'Loading…') root.firstElementChild.remove();
  syncChildren(root, lbs, (lb) => lb.name, createLoadBalancer, (el, lb) => updateLoadBalancer(el, lb, m, end), root._emptyNode);
}

// ---------------------------------------------------------------------------------------------------- target groups

function healthCheckText(g) {
  const hc = g.healthCheck || {};
  const where = hc.protocol === 'TCP' ? 'TCP' : `${hc.protocol} path ${hc.path || '/'}`;
  return `health check ${where} · interval ${hc.intervalSeconds} s · healthy threshold ${hc.healthyThreshold} · unhealthy threshold ${hc.unhealthyThreshold}`;
}

function createTargetGroup(g) {
  const el = h('article.panel.tg', { dataset: { targetGroup: g.name } },
    h('header.section-head',
      h('h3', { text: g.name }),
      h('span.kind', { text: 'target group' }),
      h('span.count'),
      h('span.badge.failover', { hidden: true }, 'routing failover'),
      h('span.badge.anomalies', { hidden: true }),
      h('span.facts')),
    h('div.form-error', { role: 'alert', hidden: true }),
    h('table.grid.targets',
      null,
      h('thead', null, h('tr', null, h('th', { text: 'Target' }), h('th', { text: 'State' }),
        h('th', { text: 'Reason' }), h('th.actions', { text: '' }))),
      h('tbody')));
  return el;
}

async function drain(groupName, row, errorEl) {
  const target = row._target;
  row._pending = true;
  updateTargetRow(row, target);
  try {
    await api(`api/v1/target-groups/${enc(groupName)}/targets/${enc(target.host)}:${target.port}`, 'DELETE');
    errorEl.hidden = true;
    setText(errorEl, '');
  } catch (e) {
    errorEl.hidden = false;
    setText(errorEl, `Could not deregister ${target.id}: ${e.message}`);
  }
  row._pending = false;
  refreshSoon();
}

function createTargetRow(groupName, errorEl) {
  return (t) => {
    const btn = h('button.btn.small', { type: 'button', title: 'Deregister this target: it stops getting new requests and drains for the deregistration delay' }, 'Drain');
    const row = h('tr', { dataset: { target: t.id } },
      h('td.mono.target-id'),
      h('td.state', null, h('span.badge.state'), ' ', h('span.badge.anomaly', { hidden: true }, 'anomalous'), ' ',
        h('span.badge.mitigation', { hidden: true }, 'mitigated')),
      h('td.reason', null, h('span.code'), h('span.desc')),
      h('td.actions', null, btn));
    btn.addEventListener('click', () => drain(groupName, row, errorEl));
    return row;
  };
}

function updateTargetRow(row, t) {
  row._target = t;
  setText(row.children[0], t.id);
  badge(row.querySelector('.badge.state'), t.state, kindOf(TARGET_STATE, t.state), 'state');
  // Anomaly detection (automatic target weights): shown only when it says something.
  const ad = t.anomalyDetection || {};
  const anomaly = row.querySelector('.badge.anomaly');
  const mitigation = row.querySelector('.badge.mitigation');
  if (anomaly.hidden !== (ad.result !== 'anomalous')) anomaly.hidden = ad.result !== 'anomalous';
  if (mitigation.hidden !== (ad.mitigationInEffect !== 'yes')) mitigation.hidden = ad.mitigationInEffect !== 'yes';
  badge(anomaly, 'anomalous', 'bad', 'anomaly');
  badge(mitigation, 'mitigated', 'warn', 'mitigation');
  setAttr(anomaly, 'title', 'Anomaly detection: this target fails far more of its requests than the other healthy targets'
    + ' (over the last 60 s); it can still pass its health checks');
  setAttr(mitigation, 'title', ad.result === 'anomalous'
    ? 'Anomaly mitigation: its weight is a tenth of its share until it recovers'
    : 'Anomaly mitigation: normal again, its weight climbs back to full over 60 s');
  setText(row.querySelector('.code'), t.reason || '');
  setText(row.querySelector('.desc'), t.description || '');
  const btn = row.querySelector('button');
  const drainable = t.state !== 'draining' && t.state !== 'unused';
  btn.disabled = !drainable || !!row._pending;
  setText(btn, row._pending ? 'Draining…' : t.state === 'draining' ? 'Draining' : 'Drain');
}

/** Why routing failover is in effect, in the words of the group's thresholds. */
function failoverText(routing) {
  const count = routing.minimumHealthyTargetsCount;
  const pct = routing.minimumHealthyTargetsPercentage;
  const below = [count > 1 ? `fewer than ${count} healthy` : 'none healthy',
    ...(pct !== 'off' && pct !== null && pct !== undefined ? [`or under ${pct} % healthy`] : [])].join(' ');
  return `Routing failover (${below}): requests go to all registered targets that are not draining, unhealthy ones included`;
}

function updateTargetGroup(el, g) {
  const routing = g.targetGroupHealth && g.targetGroupHealth.unhealthyStateRouting;
  const failover = el.querySelector('.badge.failover');
  const failing = !!(routing && routing.failOpen && g.totalCount > 0);
  if (failover.hidden === failing) failover.hidden = !failing;
  badge(failover, 'routing failover: all targets get traffic', 'bad', 'failover');
  setAttr(failover, 'title', failing ? failoverText(routing) : null);
  setText(el.querySelector('.count'), `${g.healthyCount} of ${g.totalCount} healthy`);
  const count = el.querySelector('.count');
  const cls = 'count ' + (g.totalCount === 0 ? 'muted' : g.healthyCount === g.totalCount ? 'ok' : g.healthyCount === 0 ? 'bad' : 'warn');
  if (count.className !== cls) count.className = cls;
  const anomalies = el.querySelector('.badge.anomalies');
  const anomalous = g.anomalousCount || 0;
  const mitigated = g.mitigatedCount || 0;
  if (anomalies.hidden !== (anomalous + mitigated === 0)) anomalies.hidden = anomalous + mitigated === 0;
  badge(anomalies, [anomalous ? `${anomalous} anomalous` : null, mitigated ? `${mitigated} mitigated` : null]
    .filter((x) => x).join(' · '), anomalous ? 'bad' : 'warn', 'anomalies');
  setAttr(anomalies, 'title', `Anomaly detection: ${anomalous} target${anomalous === 1 ? '' : 's'} anomalous (AnomalousHostCount); `
    + `anomaly mitigation is ${g.anomalyMitigation}${g.anomalyMitigation === 'on' ? `, ${mitigated} mitigated (MitigatedHostCount)` : ''}`);
  const http = g.protocol === 'HTTP' || g.protocol === 'HTTPS';
  const version = g.protocolVersion && g.protocolVersion !== 'HTTP1' ? ` ${g.protocolVersion}` : '';
  setText(el.querySelector('.facts'), [g.protocol + version, ...(http ? [g.algorithm] : []), healthCheckText(g),
    `deregistration delay ${g.deregistrationDelaySeconds} s`,
    ...(g.slowStartSeconds ? [`slow start ${g.slowStartSeconds} s`] : []),
    ...(http ? [`anomaly mitigation ${g.anomalyMitigation || 'off'}`] : []),
    ...(g.stickiness && g.stickiness.enabled ? [`stickiness ${g.stickiness.type}`
      + (g.stickiness.durationSeconds ? ` ${fmtDuration(g.stickiness.durationSeconds)}` : '')] : []),
    ...(g.targetHealthState ? [unhealthyTargetsText(g.targetHealthState.unhealthy)] : []),
    ...(g.deregistrationDelayConnectionTermination === true ? ['connections closed after the deregistration delay'] : []),
  ].join(' · '));
  const errorEl = el.querySelector('.form-error');
  const tbody = el.querySelector('tbody');
  tbody._emptyRow = tbody._emptyRow || h('tr.empty-row', null, h('td', { colspan: 4, text: 'No targets registered. An auto scaling group registers its instances here once they pass their first health check.' }));
  syncChildren(tbody, g.targets, (t) => t.id, createTargetRow(g.name, errorEl), updateTargetRow, tbody._emptyRow);
}

/** A network load balancer group's target_health_state.unhealthy attributes in words. */
function unhealthyTargetsText(u) {
  if (u.connectionTermination) return 'unhealthy targets\' connections reset';
  return u.drainingIntervalSeconds
    ? `unhealthy draining ${fmtDuration(u.drainingIntervalSeconds)}, then connections reset`
    : 'unhealthy targets keep their connections';
}

function renderTargetGroups(tgs) {
  const root = document.getElementById('target-groups');
  root._emptyNode = root._emptyNode || h('p.empty', { text: 'No target groups. Add one under targetGroups in the config.' });
  if (root.firstElementChild && root.firstElementChild.textContent === 'Loading…') root.firstElementChild.remove();
  syncChildren(root, tgs, (g) => g.name, createTargetGroup, updateTargetGroup, root._emptyNode);
}

// ---------------------------------------------------------------------------------------------------- auto scaling groups

function createGroup(g) {
  const input = h('input.num', { type: 'number', step: '1', name: 'desiredCapacity', 'aria-label': 'Desired capacity' });
  const error = h('div.form-error', { role: 'alert', hidden: true });
  const note = h('span.form-ok', { hidden: true });
  const form = h('form.desired', { novalidate: true },
    h('label', null, 'Set desired capacity ', input),
    h('button.btn.primary', { type: 'submit' }, 'Set'),
    note);
  const el = h('article.panel.asg', { dataset: { asg: g.name } },
    h('header.section-head',
      h('h3', { text: g.name }),
      h('span.kind', { text: 'auto scaling group' }),
      h('span.facts')),
    h('div.asg-body',
    h('div.asg-top',
      h('dl.sizes'),
      form),
    error,
    h('div.refresh', { hidden: true }, h('span.badge'), h('span.refresh-text'), h('span.refresh-actions',
      h('button.btn.small.cancel-refresh', { type: 'button', hidden: true,
        title: 'Cancel the instance refresh (CancelInstanceRefresh): instances already replaced stay' }, 'Cancel'), ' ',
      h('button.btn.small.rollback-refresh', { type: 'button', hidden: true }, 'Roll back'))),
    h('div.asg-charts',
      h('div.chart-panel', null, h('h4', { text: 'Capacity' }), h('div.chart.capacity')),
      h('div.chart-panel', null, h('h4', null, 'CPU utilization ', h('span.unit', { text: '% by instance' })), h('div.chart.instance-cpu')),
      h('div.chart-panel.forecast-panel', { hidden: true }, h('h4', null, 'Capacity forecast ',
        h('span.unit', { text: 'predictive scaling, next 48 h' })), h('div.chart.forecast'))),
    h('h4', { text: 'Instances' }),
    h('div.instances-wrap', null, h('table.grid.instances', null,
      h('thead', null, h('tr', null, ...['Instance ID', 'Lifecycle', 'Health', 'Zone', 'Address', 'Launched', 'Protected']
        .map((t) => h('th', { text: t })), h('th.actions', { text: '' }))),
      h('tbody'))),
    h('div.asg-config',
      h('div', null, h('h4', { text: 'Scaling policies and alarms' }), h('div.policies')),
      h('div', null, h('h4', { text: 'Scheduled actions' }), h('div.scheduled'))),
    h('h4', { text: 'Activity history' }),
    h('div.activities-wrap', null,
      h('table.grid.activities', null,
        h('thead', null, h('tr', null, ...['Status', 'Description', 'Cause', 'Start time', 'End time'].map((t) => h('th', { text: t })))),
        h('tbody')))));
  const refresh = el.querySelector('.refresh');
  refresh.querySelector('.cancel-refresh').addEventListener('click', () => refreshAction(el, 'cancel'));
  refresh.querySelector('.rollback-refresh').addEventListener('click', () => refreshAction(el, 'rollback'));
  el._charts = {
    capacity: new LiveChart(el.querySelector('.capacity'), { height: 150, decimals: 0, stepped: true, integer: true }),
    cpu: new LiveChart(el.querySelector('.instance-cpu'), { height: 150, decimals: 1, emptyText: 'No instances reporting CPU yet' }),
    forecast: new ForecastChart(el.querySelector('.chart.forecast')),
  };
  el._dirty = false;
  input.addEventListener('input', () => { el._dirty = true; });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const raw = input.value.trim();
    const n = Number(raw);
    note.hidden = true;
    if (raw === '' || !Number.isInteger(n)) {
      error.hidden = false;
      setText(error, 'desiredCapacity: enter a whole number');
      return;
    }
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      await api(`api/v1/auto-scaling-groups/${enc(el.dataset.asg)}/desired-capacity`, 'PUT', { desiredCapacity: n });
      error.hidden = true;
      setText(error, '');
      note.hidden = false;
      setText(note, `Desired capacity set to ${n}`);
      el._dirty = false;
      clearTimeout(el._noteTimer);
      el._noteTimer = setTimeout(() => { note.hidden = true; }, 5000);
    } catch (e) {
      error.hidden = false;
      setText(error, e.message);
    } finally {
      button.disabled = false;
    }
    refreshSoon();
  });
  return el;
}

function dd(dl, label, value, title) {
  dl._items = dl._items || new Map();
  let item = dl._items.get(label);
  if (!item) {
    item = h('div.size', null, h('dt', { text: label }), h('dd'));
    dl._items.set(label, item);
    dl.append(item);
  }
  setText(item.querySelector('dd'), value);
  setAttr(item, 'title', title);
}

/**
 * An instance action from its row: 'protect' toggles scale-in protection (SetInstanceProtection); 'replace' and
 * 'shrink' terminate it (TerminateInstanceInAutoScalingGroup) keeping, or decrementing, the desired capacity, after
 * the browser's confirmation. Errors (say, decrementing below minSize) show in the group's error line.
 */
/** Waiting on launch lifecycle hooks: into service (Pending:Wait) or into the warm pool (Warmed:Pending:Wait). */
function isLaunchWait(state) {
  return state === 'Pending:Wait' || state === 'Warmed:Pending:Wait';
}

async function instanceAction(groupName, row, errorEl, action) {
  const i = row._instance;
  const base = `api/v1/auto-scaling-groups/${enc(groupName)}/instances/${enc(i.instanceId)}`;
  const launching = isLaunchWait(i.lifecycleState);
  const confirmText = {
    shrink: `Terminate ${i.instanceId} and decrement the desired capacity of ${groupName} by one?`,
    replace: `Terminate ${i.instanceId}? ${groupName} keeps its desired capacity and launches a replacement.`,
    abandon: launching ? `Abandon the launch of ${i.instanceId}? It is terminated and ${groupName} launches a replacement.`
      : `Abandon the termination hooks of ${i.instanceId}? It is terminated now.`,
  }[action];
  if (confirmText && !window.confirm(confirmText)) {
    return;
  }
  row._pending = true;
  updateInstanceRow(row, i);
  try {
    if (action === 'protect') {
      await api(`${base}/protection`, 'PUT', { protectedFromScaleIn: !i.protectedFromScaleIn });
    } else if (action === 'continue' || action === 'abandon') {
      // CompleteLifecycleAction: CONTINUE each hook it waits on; one ABANDON ends the whole wait.
      const waits = action === 'abandon' ? (i.waitingOn || []).slice(0, 1) : (i.waitingOn || []);
      for (const w of waits) {
        await api(`api/v1/auto-scaling-groups/${enc(groupName)}/complete-lifecycle-action`, 'POST', {
          lifecycleHookName: w.lifecycleHookName, instanceId: i.instanceId,
          lifecycleActionResult: action === 'abandon' ? 'ABANDON' : 'CONTINUE' });
      }
    } else if (action === 'standby') {
      await (i.lifecycleState === 'Standby' ? api(`${base}/standby`, 'DELETE')
        : api(`${base}/standby?decrementDesiredCapacity=false`, 'POST'));
    } else {
      await api(`${base}?decrementDesiredCapacity=${action === 'shrink'}`, 'DELETE');
    }
    errorEl.hidden = true;
    setText(errorEl, '');
  } catch (e) {
    errorEl.hidden = false;
    setText(errorEl, `${i.instanceId}: ${e.message}`);
  }
  row._pending = false;
  refreshSoon();
}

function createInstanceRow(groupName, errorEl) {
  return (i) => {
    const protect = h('button.btn.small.protect', { type: 'button' }, 'Protect');
    const standby = h('button.btn.small.standby', { type: 'button' }, 'Standby');
    const replace = h('button.btn.small.replace', { type: 'button',
      title: 'Terminate this instance; the group keeps its desired capacity and launches a replacement' }, 'Replace');
    const shrink = h('button.btn.small.shrink', { type: 'button',
      title: 'Terminate this instance and decrement the desired capacity by one' }, 'Terminate & shrink');
    const cont = h('button.btn.small.continue', { type: 'button', hidden: true }, 'Continue');
    const abandon = h('button.btn.small.abandon', { type: 'button', hidden: true }, 'Abandon');
    const row = h('tr', { dataset: { instanceId: i.instanceId } },
      h('td.mono'), h('td', null, h('span.badge.lifecycle')), h('td', null, h('span.badge.health')),
      h('td'), h('td.mono'), h('td'), h('td'), h('td.actions', null, cont, ' ', abandon, ' ', protect, ' ', standby, ' ', replace, ' ', shrink));
    cont.addEventListener('click', () => instanceAction(groupName, row, errorEl, 'continue'));
    abandon.addEventListener('click', () => instanceAction(groupName, row, errorEl, 'abandon'));
    protect.addEventListener('click', () => instanceAction(groupName, row, errorEl, 'protect'));
    standby.addEventListener('click', () => instanceAction(groupName, row, errorEl, 'standby'));
    replace.addEventListener('click', () => instanceAction(groupName, row, errorEl, 'replace'));
    shrink.addEventListener('click', () => instanceAction(groupName, row, errorEl, 'shrink'));
    return row;
  };
}

function updateInstanceRow(row, i) {
  const c = row.children;
  setText(c[0], i.instanceId);
  badge(c[1].firstChild, i.lifecycleState, kindOf(LIFECYCLE, i.lifecycleState), 'lifecycle');
  badge(c[2].firstChild, i.replacing ? 'Replacing' : i.healthStatus, i.replacing ? 'warn'
    : i.healthStatus === 'Healthy' ? 'ok' : 'bad', 'health');
  setAttr(c[2].firstChild, 'title', i.replacing
    ? 'Past the group\'s maxInstanceLifetime: terminated once its replacement is InService' : null);
  setText(c[3], i.availabilityZone);
  setText(c[4], i.host ? `${i.host}:${i.port}` : '–');
  setText(c[5], `${fmtClock(i.launchTime)} · ${fmtAgo(i.launchTime)}`);
  setAttr(c[5], 'title', i.launchTime);
  setText(c[6], i.protectedFromScaleIn ? 'Yes' : 'No');
  // Gone from the group: terminated, or detached (still running, in no group: see GET /api/v1/instances).
  row.classList.toggle('gone', i.lifecycleState === 'Terminated' || i.lifecycleState === 'Detached');
  row._instance = i;
  const live = i.lifecycleState === 'Pending' || i.lifecycleState === 'InService';
  const protect = c[7].querySelector('.protect');
  setText(protect, i.protectedFromScaleIn ? 'Unprotect' : 'Protect');
  setAttr(protect, 'title', i.protectedFromScaleIn
    ? 'Remove scale-in protection: scale in may choose this instance again'
    : 'Protect from scale in: scale in does not choose this instance (it can still be terminated by hand or replaced when unhealthy)');
  const standby = c[7].querySelector('.standby');
  const inStandby = i.lifecycleState === 'Standby';
  setText(standby, inStandby ? 'Return' : 'Standby');
  setAttr(standby, 'title', inStandby
    ? 'Return to service: Pending until it passes its health checks; the desired capacity grows by one'
    : 'Move to Standby: out of its target groups (drained), still running, not health checked; the group launches a replacement');
  for (const b of c[7].querySelectorAll('button')) b.disabled = !live || !!row._pending;
  standby.disabled = !!row._pending || !(inStandby || i.lifecycleState === 'InService');
  const warm = i.lifecycleState.startsWith('Warmed:');
  c[7].querySelector('.replace').disabled = !!row._pending || !(live || inStandby || warm);
  // Waiting on lifecycle hooks: Continue / Abandon complete its lifecycle actions.
  const waits = i.waitingOn || [];
  const hooks = waits.map((w) => `${w.lifecycleHookName} (times out ${fmtClock(w.heartbeatTimeoutTime)})`).join(', ');
  setAttr(c[1].firstChild, 'title', waits.length ? `Waiting on lifecycle hook${waits.length > 1 ? 's' : ''} ${hooks}`
    : LIFECYCLE_TITLE[i.lifecycleState] || null);
  const cont = c[7].querySelector('.continue');
  const abandon = c[7].querySelector('.abandon');
  cont.hidden = abandon.hidden = waits.length === 0;
  cont.disabled = abandon.disabled = !!row._pending || waits.length === 0;
  const onLaunch = isLaunchWait(i.lifecycleState);
  setAttr(cont, 'title', waits.length ? `Complete ${hooks} with CONTINUE: ${i.lifecycleState === 'Pending:Wait'
    ? 'it goes into its target groups' : onLaunch ? 'it goes into the warm pool' : 'its termination goes on'}` : null);
  setAttr(abandon, 'title', waits.length ? `Complete with ABANDON: ${onLaunch
    ? 'it is terminated and replaced' : 'it is terminated without the remaining hooks'}` : null);
}

function createActivityRow() {
  return h('tr', null, h('td', null, h('span.badge')), h('td.desc'), h('td.cause'), h('td.time'), h('td.time'));
}

/** Sets text in which instance IDs (i-0a1b…) never break at their hyphen. */
function setIdText(el, text) {
  const t = text || '';
  if (el._text === t) return;
  el._text = t;
  el.replaceChildren(...t.split(/(i-[0-9a-f]{8,})/).map((part, k) => (k % 2 ? h('span.nowrap', { text: part }) : part)));
}

function updateActivityRow(row, a) {
  const c = row.children;
  badge(c[0].firstChild, a.statusCode, kindOf(ACTIVITY, a.statusCode));
  setAttr(c[0].firstChild, 'title', a.statusMessage);
  setIdText(c[1], a.description);
  setIdText(c[2], a.cause);
  setText(c[3], fmtClock(a.startTime));
  setAttr(c[3], 'title', a.startTime);
  const took = a.endTime ? fmtDuration((Date.parse(a.endTime) - Date.parse(a.startTime)) / 1000) : '';
  setText(c[4], a.endTime ? `${fmtClock(a.endTime)} (${took})` : ['InProgress', 'WaitingForELBConnectionDraining', 'MidLifecycleAction'].includes(a.statusCode) ? 'in progress' : '–');
  setAttr(c[4], 'title', a.endTime);
}

function policyText(p, g) {
  if (p.policyType === 'PredictiveScaling') {
    const c = p.predictiveScalingConfiguration || {};
    const spec = (c.metricSpecifications || [])[0] || {};
    const pair = (spec.predefinedMetricPairSpecification || {}).predefinedMetricType || 'metric';
    const f = ((g && g.forecasts) || []).find((x) => x.policyName === p.name);
    const caps = f ? ((f.capacityForecast || {}).values || []) : [];
    const forecast = !f ? '' : caps.length ? ` · forecast ${caps[0]} now, peak ${Math.max(...caps)} within 48 h` : ` · ${f.status}`;
    const error = f && f.meanAbsolutePercentError !== null && f.meanAbsolutePercentError !== undefined
      ? ` · the past day's forecasts were off by ${fmtNumber(f.meanAbsolutePercentError)} % on average` : '';
    return `${pair} at ${fmtNumber(spec.targetValue)}, ${c.mode}${forecast}${error}`;
  }
  if (p.policyType === 'TargetTrackingScaling') {
    const t = p.targetTrackingConfiguration || {};
    const cm = t.customizedMetric;
    const result = cm && cm.metrics && cm.metrics.find((q) => q.returnData); // metric math: the returned item
    const metric = t.predefinedMetricType || (result && (result.label || result.expression || result.id))
      || (cm && `${cm.metricName} ${cm.statistic}`) || 'metric';
    return `${metric} at ${fmtNumber(t.targetValue)}${t.disableScaleIn ? ' (scale in disabled)' : ''}`;
  }
  if (p.policyType === 'StepScaling') {
    return `${p.adjustmentType}, ${(p.stepAdjustments || []).length} step${(p.stepAdjustments || []).length === 1 ? '' : 's'}`;
  }
  if (p.policyType === 'SimpleScaling') {
    const sign = p.scalingAdjustment > 0 ? '+' : '';
    return `${p.adjustmentType} ${sign}${p.scalingAdjustment}${p.cooldownSeconds !== null && p.cooldownSeconds !== undefined ? `, cooldown ${p.cooldownSeconds} s` : ''}`;
  }
  return p.policyType;
}

function renderPolicies(container, g) {
  const items = (g.policies || []).map((p) => ({ p, alarms: (g.alarms || []).filter((a) => a.policyName === p.name) }));
  container._emptyNode = container._emptyNode || h('p.empty.small', { text: 'No scaling policies: the group keeps its desired capacity.' });
  syncChildren(container, items, (x) => x.p.name,
    () => h('div.policy', null, h('div.policy-head', null, h('strong'), h('span.ptype'), h('span.ptext')), h('ul.alarms')),
    (row, { p, alarms }) => {
      setText(row.querySelector('strong'), p.name);
      setText(row.querySelector('.ptype'), p.policyType);
      setText(row.querySelector('.ptext'), policyText(p, g));
      syncChildren(row.querySelector('.alarms'), alarms, (a) => a.name,
        () => h('li', null, h('span.badge'), h('span.cond')),
        (li, a) => {
          badge(li.firstChild, a.state, kindOf(ALARM, a.state));
          setText(li.lastChild, a.condition);
          setAttr(li, 'title', a.reason ? `${a.reason}${a.since ? ` (since ${a.since})` : ''}` : null);
        });
    }, container._emptyNode);
}

function renderScheduled(container, g) {
  container._emptyNode = container._emptyNode || h('p.empty.small', { text: 'No scheduled actions.' });
  syncChildren(container, g.scheduledActions || [], (s) => s.name,
    () => h('div.policy', null, h('div.policy-head', null, h('strong'), h('span.mono.ptype'), h('span.ptext'))),
    (row, s) => {
      setText(row.querySelector('strong'), s.name);
      setText(row.querySelector('.ptype'), `${s.recurrence || s.startTime || ''}${s.timeZone ? ` ${s.timeZone}` : ''}`);
      const sets = [['min', s.minSize], ['max', s.maxSize], ['desired', s.desiredCapacity]].filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => `${k} ${v}`).join(', ');
      setText(row.querySelector('.ptext'), `${sets}${s.nextRun ? ` · next ${new Date(s.nextRun).toLocaleString('en-GB', { hour12: false })}` : ' · no next run'}`);
    }, container._emptyNode);
}

function updateGroup(el, g) {
  const lt = g.launchTemplate || {};
  setText(el.querySelector('.facts'), [
    `launch template ${lt.name} (${lt.version})`,
    `zones ${(g.availabilityZones || []).join(', ') || '–'}`,
    `health check ${g.healthCheckType}${g.healthCheckGracePeriodSeconds ? `, grace period ${fmtDuration(g.healthCheckGracePeriodSeconds)}` : ''}`,
    ...(g.defaultInstanceWarmupSeconds !== null && g.defaultInstanceWarmupSeconds !== undefined
      ? [`instance warmup ${fmtDuration(g.defaultInstanceWarmupSeconds)}`] : []),
    `target groups ${(g.targetGroups || []).join(', ') || 'none'}`,
    ...((g.lifecycleHooks || []).length ? [`lifecycle hooks ${g.lifecycleHooks.map((k) => `${k.lifecycleHookName} (${
      k.lifecycleTransition.endsWith('LAUNCHING') ? 'launch' : 'terminate'}, ${fmtDuration(k.heartbeatTimeout)}, ${
      k.defaultResult})`).join(', ')}`] : []),
    ...(g.maxInstanceLifetime ? [`max instance lifetime ${fmtDuration(g.maxInstanceLifetime)}`] : []),
    ...(g.instanceMaintenancePolicy ? [`instance maintenance ${g.instanceMaintenancePolicy.minHealthyPercentage}–${
      g.instanceMaintenancePolicy.maxHealthyPercentage} % healthy (${g.instanceMaintenancePolicy.maxHealthyPercentage > 100
      ? 'launch before terminating' : 'terminate and launch'})`] : []),
    ...((g.suspendedProcesses || []).length
      ? [`processes suspended: ${g.suspendedProcesses.map((p) => p.processName).join(', ')}`] : []),
  ].join(' · '));
  const dl = el.querySelector('.sizes');
  dd(dl, 'Min', g.minSize, 'minSize');
  dd(dl, 'Desired', g.desiredCapacity, 'desiredCapacity');
  dd(dl, 'Max', g.maxSize, 'maxSize');
  dd(dl, 'InService', g.inService);
  dd(dl, 'Pending', g.pending);
  dd(dl, 'Terminating', g.terminating);
  dd(dl, 'Standby', g.standby || 0);
  if (g.warmPool) {
    const p = g.warmPool;
    dd(dl, 'Warm pool', `${p.warmed}/${p.desiredCapacity}`, `Warm pool: ${p.warmed} ${p.poolState === 'Running' ? 'running' : 'stopped'}`
      + ` and ready, ${p.pending} on the way, ${p.desiredCapacity} wanted (max(minSize ${p.minSize}, maxGroupPreparedCapacity`
      + ` ${p.maxGroupPreparedCapacity === null ? 'maxSize' : p.maxGroupPreparedCapacity} - desired)); a scale out takes these first`
      + (p.instanceReusePolicy && p.instanceReusePolicy.reuseOnScaleIn ? '; scale in returns instances here' : ''));
  } else if (dl._items && dl._items.has('Warm pool')) {
    dl._items.get('Warm pool').remove(); // a reload removed the pool
    dl._items.delete('Warm pool');
  }
  const input = el.querySelector('input.num');
  setAttr(input, 'placeholder', `${g.minSize}–${g.maxSize}`);
  if (!el._dirty && document.activeElement !== input && input.value !== String(g.desiredCapacity)) {
    input.value = String(g.desiredCapacity);
  }
  const tbody = el.querySelector('table.instances tbody');
  tbody._emptyRow = tbody._emptyRow || h('tr.empty-row', null, h('td', { colspan: 8, text: 'No instances.' }));
  el._createInstanceRow = el._createInstanceRow || createInstanceRow(g.name, el.querySelector('.asg-body > .form-error'));
  const waits = g.lifecycleActions || [];
  const instances = (g.instances || []).map((i) => Object.assign({}, i,
    { waitingOn: waits.filter((a) => a.instanceId === i.instanceId) }));
  syncChildren(tbody, instances, (i) => i.instanceId, el._createInstanceRow, updateInstanceRow, tbody._emptyRow);
  renderRefresh(el.querySelector('.refresh'), g.instanceRefresh, el);
  renderPolicies(el.querySelector('.policies'), g);
  renderScheduled(el.querySelector('.scheduled'), g);
  const forecasts = g.forecasts || [];
  const panel = el.querySelector('.forecast-panel');
  const shown = forecasts.some((f) => ((f.capacityForecast || {}).values || []).length > 0);
  if (panel.hidden === shown) panel.hidden = !shown;
  el._charts.forecast.set(forecasts);
  const acts = el.querySelector('table.activities tbody');
  acts._emptyRow = acts._emptyRow || h('tr.empty-row', null, h('td', { colspan: 5, text: 'No activities yet.' }));
  syncChildren(acts, g._activities || [], (a) => a.activityId, createActivityRow, updateActivityRow, acts._emptyRow);
}

const REFRESH_STATUS = { Pending: 'info', InProgress: 'info', Successful: 'ok', Failed: 'bad', Cancelled: 'muted', RollbackInProgress: 'warn', RollbackSuccessful: 'warn', RollbackFailed: 'bad' };

/**
 * Cancel (CancelInstanceRefresh) or roll back (RollbackInstanceRefresh) the group's active instance refresh, after the
 * browser's confirmation. The API's refusal shows in the group's error line.
 */
async function refreshAction(el, action) {
  const name = el.dataset.asg;
  const r = el._refresh;
  if (!r) return;
  const question = action === 'cancel'
    ? `Cancel the instance refresh of ${name}? Instances already replaced stay on version ${r.launchTemplateVersion}.`
    : `Roll back the instance refresh of ${name}? The instances it launched are replaced with version ${r.rollbackLaunchTemplateVersion}.`;
  if (!window.confirm(question)) return;
  const errorEl = el.querySelector('.asg-body > .form-error');
  el._refreshPending = true;
  renderRefresh(el.querySelector('.refresh'), r, el);
  try {
    if (action === 'cancel') {
      await api(`api/v1/auto-scaling-groups/${enc(name)}/instance-refreshes`, 'DELETE');
    } else {
      await api(`api/v1/auto-scaling-groups/${enc(name)}/rollback-instance-refresh`, 'POST');
    }
    errorEl.hidden = true;
    setText(errorEl, '');
  } catch (e) {
    errorEl.hidden = false;
    setText(errorEl, `Instance refresh: ${e.message}`);
  }
  el._refreshPending = false;
  refreshSoon();
}

/**
 * The group's latest instance refresh: its status, progress, versions and reason (hidden when there was none), with
 * Cancel while it runs and Roll back while it runs and can be rolled back.
 */
function renderRefresh(el, r, group) {
  if (el.hidden !== !r) el.hidden = !r;
  group._refresh = r;
  const active = !!r && (r.status === 'Pending' || r.status === 'InProgress');
  const cancel = el.querySelector('.cancel-refresh');
  const rollback = el.querySelector('.rollback-refresh');
  if (cancel.hidden === active) cancel.hidden = !active;
  const reversible = active && r.rollbackLaunchTemplateVersion !== null && r.rollbackLaunchTemplateVersion !== undefined;
  if (rollback.hidden === reversible) rollback.hidden = !reversible;
  cancel.disabled = rollback.disabled = !!group._refreshPending;
  setAttr(rollback, 'title', reversible ? `Roll back (RollbackInstanceRefresh): the instances this refresh launched are`
    + ` replaced with version ${r.rollbackLaunchTemplateVersion}, the version the group launched before it` : null);
  if (!r) return;
  badge(el.querySelector('.badge'), r.status, kindOf(REFRESH_STATUS, r.status));
  const p = r.preferences || {};
  const rb = r.rollbackDetails;
  const alarms = p.alarmSpecification ? `, alarms ${p.alarmSpecification.alarms.join(', ')}` : '';
  setText(el.querySelector('.refresh-text'), [
    `${rb ? 'Rollback' : 'Instance refresh'} ${r.percentageComplete} % complete, ${r.instancesToUpdate} to update`,
    rb ? `back to version ${r.rollbackLaunchTemplateVersion} from version ${r.launchTemplateVersion}`
      : r.desiredConfiguration ? `to version ${r.launchTemplateVersion} (desired configuration: version ${r.desiredConfiguration.launchTemplateVersion})`
        : `to version ${r.launchTemplateVersion}`,
    !rb && r.rollbackLaunchTemplateVersion !== null && r.rollbackLaunchTemplateVersion !== undefined
      ? `can roll back to version ${r.rollbackLaunchTemplateVersion}` : null,
    `min healthy ${p.minHealthyPercentage} %${p.maxHealthyPercentage > 100 ? `, max ${p.maxHealthyPercentage} %` : ''}, warmup ${fmtDuration(p.instanceWarmup)}${p.skipMatching ? ', skip matching' : ''}${p.autoRollback ? ', auto rollback' : ''}${alarms}`,
    `started ${fmtClock(r.startTime)}${r.endTime ? `, ended ${fmtClock(r.endTime)}` : ''}`,
    rb ? `rolled back at ${fmtClock(rb.rollbackStartTime)}, when the refresh was ${rb.percentageCompleteOnRollback} % complete with ${rb.instancesToUpdateOnRollback} to update: ${rb.rollbackReason}` : null,
    r.statusReason,
  ].filter((x) => x).join(' · '));
}

function renderGroups(asgs) {
  const root = document.getElementById('auto-scaling-groups');
  if (root.firstElementChild && root.firstElementChild.textContent === 'Loading…') root.firstElementChild.remove();
  root._emptyNode = root._emptyNode || h('p.empty', { text: 'No auto scaling groups. Add one under autoScalingGroups in the config and Headroom launches, registers and scales its instances.' });
  for (const el of root.querySelectorAll(':scope > article.asg')) {
    if (!asgs.some((g) => g.name === el.dataset.asg)) {
      el._charts.capacity.destroy();
      el._charts.cpu.destroy();
    }
  }
  syncChildren(root, asgs, (g) => g.name, createGroup, updateGroup, root._emptyNode);
}

/**
 * Instances a user detached: out of every group (a group lists them as Detached for a minute only), still running
 * until attached again or Headroom stops. The section is hidden while there are none.
 */
function renderDetached(detached) {
  const root = document.getElementById('detached-instances');
  root.hidden = detached.length === 0;
  syncChildren(root.querySelector('ul.detached'), detached, (d) => d.instanceId,
    (d) => h('li', { dataset: { instance: d.instanceId } }, h('code.id'), ' ', h('span.where')),
    (li, d) => {
      setText(li.querySelector('.id'), d.instanceId);
      setText(li.querySelector('.where'), `at ${d.host}:${d.port} · ${d.availabilityZone} · launch template version `
        + `${d.launchTemplateVersion} · detached from ${d.detachedFrom} at ${fmtClock(d.detachedTime)}`);
    }, null);
}

// ---------------------------------------------------------------------------------------------------- charts wiring

/** Declares the series this tick needs (from the current topology) and returns them grouped by use. */
/** HTTP and HTTPS target groups: only they have response times and HTTP codes (TCP and UDP ones pass bytes). */
function httpGroups(tgs) {
  return tgs.filter((g) => g.protocol === 'HTTP' || g.protocol === 'HTTPS');
}

function declareSeries(status, allTgs, asgs) {
  const tgs = httpGroups(allTgs);
  const lbs = status.loadBalancers || [];
  const m = {
    // A network load balancer counts flows (connections), not requests.
    lbRequests: lbs.map((lb) => series(lb.type === 'network' ? 'NewFlowCount' : 'RequestCount', `LoadBalancer=${lb.name}`, 'Sum')),
    lbErrors: lbs.filter((lb) => lb.type !== 'network').map((lb) => series('HTTPCode_ELB_5XX_Count', `LoadBalancer=${lb.name}`, 'Sum')),
    tgErrors: tgs.map((g) => series('HTTPCode_Target_5XX_Count', `TargetGroup=${g.name}`, 'Sum')),
    p50: tgs.map((g) => series('TargetResponseTime', `TargetGroup=${g.name}`, 'p50')),
    p99: tgs.map((g) => series('TargetResponseTime', `TargetGroup=${g.name}`, 'p99')),
    groups: asgs.map((g) => ({
      cpu: series('CPUUtilization', `AutoScalingGroupName=${g.name}`, 'Average'),
      desired: series('GroupDesiredCapacity', `AutoScalingGroupName=${g.name}`, 'Maximum'),
      inService: series('GroupInServiceInstances', `AutoScalingGroupName=${g.name}`, 'Maximum'),
      pending: series('GroupPendingInstances', `AutoScalingGroupName=${g.name}`, 'Maximum'),
      instances: (g.instances || []).filter((i) => i.lifecycleState !== 'Terminated' && i.lifecycleState !== 'Detached')
        .map((i) => ({ id: i.instanceId, cpu: series('CPUUtilization', `InstanceId=${i.instanceId}`, 'Average') })),
    })),
  };
  m.errorSeries = [...m.lbErrors, ...m.tgErrors];
  // The load balancers' own figures, by name.
  m.lbByName = new Map(lbs.map((lb, i) => [lb.name, {
    requests: m.lbRequests[i],
    bytes: series('ProcessedBytes', `LoadBalancer=${lb.name}`, 'Sum'),
    activeFlows: lb.type === 'network' ? series('ActiveFlowCount', `LoadBalancer=${lb.name}`, 'Maximum') : null,
    activeUdpFlows: lb.type === 'network' && lb.listeners.some((l) => UDP_PROTOCOLS.has(l.protocol))
      ? series('ActiveFlowCount_UDP', `LoadBalancer=${lb.name}`, 'Maximum') : null,
  }]));
  return m;
}

function color(i) {
  return PALETTE[i % PALETTE.length];
}

function renderCharts(status, allTgs, asgs, m, end, first) {
  const tgs = httpGroups(allTgs);
  const lbs = status.loadBalancers || [];
  const nlb = lbs.some((lb) => lb.type === 'network');
  setText(document.querySelector('#chart-requests').previousElementSibling,
    nlb ? (lbs.every((lb) => lb.type === 'network') ? 'New flows per second' : 'Requests / new flows per second') : 'Requests per second');
  charts.requests.emptyText = lbs.length ? 'No requests yet' : 'No load balancers';
  charts.requests.set(lbs.map((lb, i) => ({ label: lb.type === 'network' ? `${lb.name} (flows)` : lb.name, color: color(i), series: m.lbRequests[i], fill0: true })), end, first);

  const toMs = (v) => v * 1000;
  const latency = [];
  tgs.forEach((g, i) => {
    const many = tgs.length > 1;
    latency.push({ label: many ? `${g.name} p50` : 'p50', color: many ? color(i) : PALETTE[0], series: m.p50[i], scale: toMs });
    latency.push({ label: many ? `${g.name} p99` : 'p99', color: many ? color(i) : PALETTE[1], series: m.p99[i], scale: toMs, dash: many ? [5, 4] : undefined });
  });
  charts.latency.emptyText = tgs.length ? 'No responses yet' : allTgs.length ? 'No HTTP target groups' : 'No target groups';
  charts.latency.set(latency, end, first);

  const errors = [
    ...lbs.filter((lb) => lb.type !== 'network')
      .map((lb, i) => ({ label: `${lb.name} (ELB)`, color: PALETTE[6 + (i % 2)], series: m.lbErrors[i], fill0: true })),
    ...tgs.map((g, i) => ({ label: `${g.name} (target)`, color: color(i + 3), series: m.tgErrors[i], fill0: true })),
  ];
  charts.errors.emptyText = errors.length ? 'No data yet' : 'No load balancers';
  charts.errors.set(errors, end, first);

  charts.cpu.emptyText = asgs.length ? 'No CPU data yet (instances count after their warmup)' : 'No auto scaling groups';
  charts.cpu.set(asgs.map((g, i) => ({ label: g.name, color: color(i + 2), series: m.groups[i].cpu })), end, first);

  const root = document.getElementById('auto-scaling-groups');
  asgs.forEach((g, i) => {
    const el = root.querySelector(`:scope > article.asg[data-asg="${CSS.escape(g.name)}"]`);
    if (!el) return;
    const s = m.groups[i];
    el._charts.capacity.set([
      { label: 'Desired', color: '#1e293b', series: s.desired, width: 2 },
      { label: 'InService', color: '#059669', series: s.inService, width: 2 },
      { label: 'Pending', color: '#2563eb', series: s.pending, dash: [5, 4] },
    ], end, first);
    el._charts.cpu.set([
      { label: 'average', color: '#1e293b', series: s.cpu, width: 2.2 },
      ...s.instances.map((x, k) => ({ label: x.id, color: color(k + 2), series: x.cpu, width: 1.2 })),
    ], end, first);
  });
}

// ---------------------------------------------------------------------------------------------------- poll loop

function setConnection(ok, error) {
  const conn = document.getElementById('conn');
  const banner = document.getElementById('banner');
  setAttr(conn, 'data-state', ok ? 'live' : 'down');
  setText(document.getElementById('conn-text'), ok ? `Live · ${new Date().toLocaleTimeString('en-GB', { hour12: false })}` : 'Disconnected, retrying');
  banner.hidden = ok;
  if (!ok) setText(banner, `Cannot read the admin API: ${error.message}`);
}

let timer = null;
let running = false;

async function tick() {
  if (running) return;
  running = true;
  clearTimeout(timer);
  const started = Date.now();
  tickNo++;
  try {
    const [status, lbs, tgs, asgs] = await Promise.all([
      api('api/v1/status'),
      api('api/v1/load-balancers'),
      api('api/v1/target-groups'),
      api('api/v1/auto-scaling-groups'),
    ]);
    const activities = await Promise.all(asgs.map((g) =>
      api(`api/v1/auto-scaling-groups/${enc(g.name)}/activities?limit=25`).catch(() => null)));
    asgs.forEach((g, i) => { g._activities = activities[i] || []; });
    const m = declareSeries(status, tgs, asgs);
    await fetchWantedSeries();
    const end = latestSecond();
    const first = earliestSecond();
    lastData = { status, tgs, asgs, m, end, first };
    renderMeta(status);
    renderLoadBalancers(lbs, m, end);
    renderTargetGroups(tgs);
    renderGroups(asgs);
    renderDetached(status.detachedInstances || []);
    renderOverview(status, tgs, asgs, m, end);
    renderCharts(status, tgs, asgs, m, end, first);
    setConnection(true);
  } catch (e) {
    setConnection(false, e);
  } finally {
    running = false;
    // A tab in the background polls every 10 s; it catches up as soon as it is shown again.
    const interval = document.hidden ? 10 * POLL_MS : POLL_MS;
    timer = setTimeout(tick, Math.max(100, interval - (Date.now() - started)));
  }
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden) refreshSoon();
});

/** After a user action: poll now rather than at the next second. */
function refreshSoon() {
  clearTimeout(timer);
  timer = setTimeout(tick, 50);
}

for (const b of document.querySelectorAll('.range button')) {
  b.addEventListener('click', () => {
    rangeS = Number(b.dataset.range);
    for (const o of document.querySelectorAll('.range button')) o.classList.toggle('on', o === b);
    if (lastData) renderCharts(lastData.status, lastData.tgs, lastData.asgs, lastData.m, lastData.end, lastData.first);
  });
}

tick();
