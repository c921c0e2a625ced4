// talenthub's few scripts: the dashboard's charts, drag and drop on the
// pipeline board and the portfolio, and confirmations. Every action they
// start also works without them (buttons and forms); they only add a
// quicker way. No inline scripts anywhere (the Content-Security-Policy
// forbids them): the pages hand data over in <script type="application/json">.
(function () {
  'use strict';

  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.content : '';
  }

  // Forms that destroy something ask first.
  document.addEventListener('submit', function (e) {
    var f = e.target.closest && e.target.closest('form[data-confirm]');
    if (f && !window.confirm(f.getAttribute('data-confirm'))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  // A queue's "select all" ticks or clears every row's checkbox of its
  // bulk form (the rows name the form by its id). It is hidden in the page
  // and shown here: without scripts it would do nothing.
  document.addEventListener('change', function (e) {
    var all = e.target.closest && e.target.closest('input[data-check-all]');
    if (!all) return;
    var form = all.getAttribute('data-check-all');
    document.querySelectorAll('input[type="checkbox"][form="' + form + '"]').forEach(function (c) { c.checked = all.checked; });
  });

  function showCheckAll(root) {
    root.querySelectorAll('input[data-check-all][hidden]').forEach(function (c) { c.hidden = false; });
  }

  // ---- Charts (ECharts, loaded only on the dashboard) ----
  var charts = [];
  var palette = ['#c8102e', '#1f5fa8', '#2e8b57', '#d98b00', '#6b4fa0', '#0f8c8c', '#8c5a2b', '#5b6770'];

  function chartData() {
    var el = document.getElementById('chart-data');
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (err) { return null; }
  }

  function gaugeOption(g) {
    var v = Math.round(Math.min(g.percent, 100) * 10) / 10;
    var color = g.percent >= 100 ? '#2e8b57' : '#c8102e';
    return {
      animation: false,
      series: [{
        type: 'gauge', min: 0, max: 100, startAngle: 210, endAngle: -30, radius: '95%', center: ['50%', '58%'],
        progress: { show: true, width: 14, itemStyle: { color: color } },
        axisLine: { lineStyle: { width: 14, color: [[1, '#e6e8eb']] } },
        pointer: { show: false }, axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false },
        anchor: { show: false }, title: { show: false },
        detail: { offsetCenter: [0, '0%'], fontSize: 22, fontWeight: 600, color: '#1b2430', formatter: function () { return g.percent.toFixed(1) + '%'; } },
        data: [{ value: v, name: g.label }]
      }]
    };
  }

  // The y-axis fits the data (t.ymax: the count so far or the forecast,
  // with headroom, from the server); the goal is a horizontal line when it
  // is on that scale, and a note at the top when it is above it, so that a
  // far goal does not flatten the count to the axis. The pace line climbs
  // out of the chart then (clipped).
  // On a narrow chart (a phone) the legend wraps to two lines: the plot
  // leaves room under the month labels for them rather than being drawn
  // over by them.
  function trendOption(t, width) {
    var narrow = width < 560;
    var last = t.actual.length - 1;
    var forecast = t.months.map(function () { return null; });
    if (last >= 0 && last < 11 && t.forecast > 0) {
      // From the last month counted to December at the forecast.
      for (var i = last; i < 12; i++) {
        forecast[i] = Math.round(t.actual[last] + (t.forecast - t.actual[last]) * (i - last) / (11 - last));
      }
    }
    var goalLine = t.goal_on_scale ? {
      silent: true, symbol: 'none', lineStyle: { color: '#2e8b57', width: 2 },
      label: { position: 'insideEndTop', formatter: t.labels.goal + ' {c}' }, data: [{ yAxis: t.goal }]
    } : undefined;
    return {
      animation: false,
      color: ['#c8102e', '#5b6770', '#1f5fa8'],
      tooltip: { trigger: 'axis' },
      legend: { data: [t.labels.actual, t.labels.pace, t.labels.forecast], bottom: 0, itemGap: narrow ? 8 : 10 },
      grid: { left: narrow ? 40 : 48, right: narrow ? 12 : 24, top: 32, bottom: narrow ? 84 : 48 },
      graphic: t.goal_on_scale ? [] : [{ type: 'text', right: 24, top: 6, silent: true,
        style: { text: t.labels.goal_off_scale, fill: '#2e8b57', fontSize: 12 } }],
      xAxis: { type: 'category', data: t.months, boundaryGap: false },
      yAxis: { type: 'value', min: 0, max: t.ymax, minInterval: 1 },
      series: [
        { name: t.labels.actual, type: 'line', data: t.actual, areaStyle: { opacity: 0.12 }, symbolSize: 6, markLine: goalLine },
        { name: t.labels.pace, type: 'line', data: t.pace.map(function (x) { return Math.round(x); }), showSymbol: false, lineStyle: { type: 'dashed' }, clip: true },
        { name: t.labels.forecast, type: 'line', data: forecast, showSymbol: true, symbolSize: 4, connectNulls: false, lineStyle: { type: 'dotted', width: 2 } }
      ]
    };
  }

  function barOption(b) {
    var keys = b.keys.slice().reverse(), counts = b.counts.slice().reverse();
    return {
      animation: false,
      color: palette,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: keys, axisTick: { show: false } },
      series: [{ type: 'bar', data: counts, barMaxWidth: 18, label: { show: true, position: 'right' } }]
    };
  }

  function initCharts(root) {
    if (!window.echarts) return;
    var data = chartData();
    if (!data) return;
    root.querySelectorAll('[data-chart]').forEach(function (node) {
      if (node.getAttribute('data-ready')) return;
      var kind = node.getAttribute('data-chart'), id = node.getAttribute('data-id'), opt = null;
      if (kind === 'gauge') {
        var g = (data.gauges || []).filter(function (x) { return x.id === id; })[0];
        if (g) opt = gaugeOption(g);
      } else if (kind === 'trend') {
        if (data.trend && data.trend.months) opt = trendOption(data.trend, node.clientWidth);
      } else if (kind === 'bar') {
        var b = (data.bars || {})[id];
        if (b && b.keys && b.keys.length) opt = barOption(b);
        else node.hidden = true;
      }
      if (!opt) return;
      if (kind === 'bar') node.style.height = Math.max(120, 28 * opt.yAxis.data.length + 24) + 'px';
      var chart = window.echarts.init(node, null, { renderer: 'svg' });
      chart.setOption(opt);
      node.setAttribute('data-ready', '1');
      charts.push(chart);
    });
  }

  var resizing = 0;
  window.addEventListener('resize', function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
  });

  // ---- The pipeline board: drag a card onto a column it may move to ----
  var dragged = null;

  function columns() { return document.querySelectorAll('#board .column'); }

  document.addEventListener('dragstart', function (e) {
    var card = e.target.closest && e.target.closest('.cardlet[draggable="true"]');
    if (card) {
      dragged = { id: card.getAttribute('data-app'), moves: (card.getAttribute('data-moves') || '').split(',') };
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', dragged.id);
      card.classList.add('dragging');
      columns().forEach(function (col) {
        if (dragged.moves.indexOf(col.getAttribute('data-stage')) >= 0) col.classList.add('drop-ok');
      });
      return;
    }
    var work = e.target.closest && e.target.closest('ol.works > li.work');
    if (work) {
      dragged = { work: work.getAttribute('data-index') };
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', dragged.work);
      work.classList.add('dragging');
    }
  });

  document.addEventListener('dragend', function () {
    dragged = null;
    document.querySelectorAll('.dragging, .drop-ok, .drop-over').forEach(function (n) {
      n.classList.remove('dragging', 'drop-ok', 'drop-over');
    });
  });

  function target(e) {
    if (!dragged) return null;
    if (dragged.id) {
      var col = e.target.closest && e.target.closest('#board .column.drop-ok');
      return col;
    }
    var w = e.target.closest && e.target.closest('ol.works > li.work');
    return w && w.getAttribute('data-index') !== dragged.work ? w : null;
  }

  document.addEventListener('dragover', function (e) {
    var t = target(e);
    if (t) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
      document.querySelectorAll('.drop-over').forEach(function (n) { if (n !== t) n.classList.remove('drop-over'); });
      t.classList.add('drop-over');
    }
  });

  document.addEventListener('drop', function (e) {
    var t = target(e);
    if (!t) return;
    e.preventDefault();
    if (dragged.id) {
      var board = document.getElementById('board');
      var url = board.getAttribute('data-move-url') + encodeURIComponent(dragged.id) + '/move';
      window.htmx.ajax('POST', url, {
        target: '#board', swap: 'outerHTML',
        values: { stage: t.getAttribute('data-stage') },
        headers: { 'X-CSRF-Token': csrf() }
      });
    } else {
      // Reordering the portfolio: the same form the arrows post.
      var list = t.closest('ol.works');
      var f = document.createElement('form');
      f.method = 'post';
      f.action = list.getAttribute('data-reorder') + encodeURIComponent(dragged.work) + '/move';
      [['_csrf', csrf()], ['to', t.getAttribute('data-index')]].forEach(function (kv) {
        var i = document.createElement('input');
        i.type = 'hidden'; i.name = kv[0]; i.value = kv[1];
        f.appendChild(i);
      });
      document.body.appendChild(f);
      f.submit();
    }
  });

  function init(root) { initCharts(root); showCheckAll(root); }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener('htmx:afterSettle', function (e) { init(e.target); });
})();
