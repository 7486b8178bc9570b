/*
 * charts.js: the router's own small charting library (GET /charts.js), for the campaign page.
 * Line charts drawn as SVG, with no dependency and nothing inline: colours come from the classes
 * series-0 .. series-7 of the page's style sheet, every text is a text node (textContent), so a
 * series name that is user input cannot become markup.
 *
 *   Charts.line(container, {
 *     x: [ms, ...],                          // the points' times (epoch milliseconds), ascending
 *     series: [{name: 'A', values: [n, ...]}, ...],   // one line each, values as long as x
 *     label: 'Delivery over time',           // the SVG's accessible name
 *     empty: 'No data yet'                   // shown when there is nothing to draw
 *   });
 *
 * Draws the y axis with "nice" ticks (1, 2, 5 times a power of ten) and grid lines, the time axis
 * with ticks on round times (seconds to days), one path per series (class "line", data-series the
 * name), a dot per point with a native tooltip (<title>: series, time, value) when there are few
 * enough points, the last value as a label at the end of each line, and a legend. Redraws itself
 * at the container's new width when the window is resized.
 */
(function (global) {
  'use strict';

  var NS = 'http://www.w3.org/2000/svg';
  var HEIGHT = 260;
  var PAD = { top: 28, right: 56, bottom: 30, left: 52 };
  var MAX_DOTS = 120;
  var LABEL_GAP = 12;
  var COLOURS = 8;

  function svg(tag, attrs, text) {
    var e = document.createElementNS(NS, tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  /** About `count` round steps covering 0..max: 1, 2 or 5 times a power of ten, integers only. */
  function valueTicks(max, count) {
    if (!(max > 0)) return [0, 1];
    var raw = max / Math.max(1, count);
    var mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * mag; }).find(function (s) { return s >= raw; });
    step = Math.max(1, step);
    var top = Math.ceil(max / step) * step;
    var out = [];
    for (var v = 0; v <= top + step / 2; v += step) out.push(Math.round(v));
    return out;
  }

  var SECOND = 1000, MINUTE = 60 * SECOND, HOUR = 60 * MINUTE, DAY = 24 * HOUR;
  var TIME_STEPS = [SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE,
    5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY,
    2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY];

  /** Round times between from and to, about `count` of them (local time for steps of a day and more). */
  function timeTicks(from, to, count) {
    var span = Math.max(1, to - from);
    var step = TIME_STEPS.find(function (s) { return span / s <= count; }) || Math.ceil(span / count / DAY) * DAY;
    var out = [];
    var first;
    if (step >= DAY) {
      var d = new Date(from);
      d.setHours(0, 0, 0, 0);
      first = d.getTime();
    } else {
      var offset = new Date(from).getTimezoneOffset() * MINUTE;
      first = Math.floor((from - offset) / step) * step + offset;
    }
    for (var t = first; t <= to; t += step) if (t >= from) out.push(t);
    return { ticks: out, step: step };
  }

  function pad(n) { return n < 10 ? '0' + n : String(n); }

  function timeLabel(t, step, spansDays) {
    var d = new Date(t);
    var hm = pad(d.getHours()) + ':' + pad(d.getMinutes());
    if (step < MINUTE) return hm + ':' + pad(d.getSeconds());
    if (step >= DAY) return (d.getMonth() + 1) + '/' + d.getDate();
    return spansDays && d.getHours() === 0 && d.getMinutes() === 0 ? (d.getMonth() + 1) + '/' + d.getDate() : hm;
  }

  function fullTime(t) {
    var d = new Date(t);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':'
      + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  function number(n) { return Number(n).toLocaleString('en-US'); }

  function draw(container, opts) {
    var width = Math.max(320, Math.floor(container.clientWidth || 640));
    var x = Array.isArray(opts.x) ? opts.x : [];
    var series = (Array.isArray(opts.series) ? opts.series : []).map(function (s) {
      return { name: String(s && s.name !== undefined ? s.name : ''),
        values: x.map(function (_, i) { var v = Number(s && s.values ? s.values[i] : 0); return isFinite(v) ? v : 0; }) };
    });
    var root = svg('svg', { 'class': 'chart-svg', viewBox: '0 0 ' + width + ' ' + HEIGHT, width: width, height: HEIGHT,
      role: 'img', 'aria-label': opts.label || 'chart' });
    root.append(svg('title', null, opts.label || 'chart'));
    container.replaceChildren(root);
    if (x.length === 0 || series.length === 0) {
      root.append(svg('text', { x: width / 2, y: HEIGHT / 2, 'class': 'chart-empty', 'text-anchor': 'middle' },
        opts.empty || 'No data yet'));
      return root;
    }

    var left = PAD.left, right = width - PAD.right, top = PAD.top, bottom = HEIGHT - PAD.bottom;
    var x0 = x[0], x1 = x[x.length - 1] > x0 ? x[x.length - 1] : x0 + 1;
    var max = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { if (v > max) max = v; }); });
    var yt = valueTicks(max, 5);
    var yMax = yt[yt.length - 1] || 1;
    function px(t) { return left + (t - x0) / (x1 - x0) * (right - left); }
    function py(v) { return bottom - v / yMax * (bottom - top); }

    // grid and y axis
    var grid = svg('g', { 'class': 'chart-grid' });
    var yAxis = svg('g', { 'class': 'chart-axis chart-y' });
    yt.forEach(function (v) {
      var y = py(v).toFixed(1);
      grid.append(svg('line', { x1: left, x2: right, y1: y, y2: y }));
      yAxis.append(svg('line', { x1: left - 4, x2: left, y1: y, y2: y }));
      yAxis.append(svg('text', { x: left - 7, y: y, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, number(v)));
    });
    yAxis.append(svg('line', { x1: left, x2: left, y1: top, y2: bottom }));

    // time axis
    var xAxis = svg('g', { 'class': 'chart-axis chart-x' });
    var tt = timeTicks(x0, x1, Math.max(2, Math.floor((right - left) / 80)));
    var spansDays = new Date(x0).toDateString() !== new Date(x1).toDateString();
    tt.ticks.forEach(function (t) {
      var xx = px(t).toFixed(1);
      xAxis.append(svg('line', { x1: xx, x2: xx, y1: bottom, y2: bottom + 4 }));
      xAxis.append(svg('text', { x: xx, y: bottom + 16, 'text-anchor': 'middle' }, timeLabel(t, tt.step, spansDays)));
    });
    xAxis.append(svg('line', { x1: left, x2: right, y1: bottom, y2: bottom }));
    root.append(grid, yAxis, xAxis);

    // the lines, their dots and end labels
    var lines = svg('g', { 'class': 'chart-lines' });
    series.forEach(function (s, i) {
      var cls = 'series-' + (i % COLOURS);
      var d = s.values.map(function (v, j) {
        return (j === 0 ? 'M' : 'L') + px(x[j]).toFixed(1) + ',' + py(v).toFixed(1);
      }).join(' ');
      var g = svg('g', { 'class': 'chart-series ' + cls, 'data-series': s.name });
      var path = svg('path', { d: d, 'class': 'line', fill: 'none', 'data-series': s.name });
      path.append(svg('title', null, s.name));
      g.append(path);
      if (x.length <= MAX_DOTS) {
        s.values.forEach(function (v, j) {
          var dot = svg('circle', { cx: px(x[j]).toFixed(1), cy: py(v).toFixed(1), r: 3, 'class': 'dot' });
          dot.append(svg('title', null, s.name + ' · ' + fullTime(x[j]) + ' · ' + number(v)));
          g.append(dot);
        });
      }
      lines.append(g);
    });
    root.append(lines);

    // the last value at each line's end, moved apart where lines end close together
    var ends = series.map(function (s, i) {
      var last = s.values[s.values.length - 1];
      return { i: i, name: s.name, value: last, y: py(last) };
    }).sort(function (a, b) { return a.y - b.y; });
    for (var k = 1; k < ends.length; k++) ends[k].y = Math.max(ends[k].y, ends[k - 1].y + LABEL_GAP);
    var overflow = ends.length ? ends[ends.length - 1].y - bottom : 0;
    if (overflow > 0) ends.forEach(function (e) { e.y -= overflow; });
    ends.forEach(function (e) {
      lines.children[e.i].append(svg('text', { x: right + 6, y: e.y.toFixed(1), 'class': 'end-label',
        'dominant-baseline': 'middle', 'data-series': e.name }, number(e.value)));
    });

    // legend, along the top
    var legend = svg('g', { 'class': 'chart-legend' });
    var lx = left;
    series.forEach(function (s, i) {
      var item = svg('g', { 'class': 'legend-item series-' + (i % COLOURS), 'data-series': s.name });
      item.append(svg('line', { x1: lx, x2: lx + 16, y1: 12, y2: 12, 'class': 'swatch' }));
      var label = svg('text', { x: lx + 21, y: 12, 'dominant-baseline': 'middle' }, s.name);
      item.append(label);
      legend.append(item);
      lx += 34 + Math.min(24, s.name.length) * 7;
    });
    root.append(legend);
    return root;
  }

  var drawn = [];
  var resizeTimer = null;
  global.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      drawn = drawn.filter(function (d) { return d.container.isConnected; });
      drawn.forEach(function (d) { draw(d.container, d.opts); });
    }, 150);
  });

  global.Charts = {
    line: function (container, opts) {
      drawn = drawn.filter(function (d) { return d.container !== container; });
      drawn.push({ container: container, opts: opts });
      return draw(container, opts);
    },
    valueTicks: valueTicks,
    timeTicks: timeTicks,
  };
})(window);
