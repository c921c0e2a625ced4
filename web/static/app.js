// talenthub's few scripts: the dashboard's charts, drag and drop on the
// pipeline board and the portfolio, image uploads and the gallery's
// lightbox, and confirmations. Every action they
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

  // An import's form submits as usual (the page that answers is the
  // report); while it waits, the progress of the server's work is polled
  // and shown, phase by phase and record by record.
  document.addEventListener('submit', function (e) {
    var f = e.target;
    if (!f || f.id !== 'import-form' || e.defaultPrevented) return;
    var box = document.getElementById('import-progress');
    if (!box) return;
    var bar = box.querySelector('progress'), text = box.querySelector('[data-phase]');
    box.hidden = false;
    bar.removeAttribute('value');
    var poll = function () {
      fetch(f.getAttribute('data-progress'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (p) {
          if (p && p.running) {
            text.textContent = box.getAttribute('data-' + p.phase) || '';
            if (p.phase === 'writing' && p.total > 0) {
              bar.value = Math.round(100 * p.done / p.total);
              text.textContent += ' ' + p.done + ' / ' + p.total;
            }
          }
        })
        .catch(function () {})
        .then(function () { window.setTimeout(poll, 700); });
    };
    window.setTimeout(poll, 300);
  });

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

  // ---- Images: the forms' pickers and the gallery's lightbox ----
  // A picker (.media-picker) holds the ids of its images in hidden fields
  // of the form, in order; these add an upload (a file chosen or dropped,
  // sent to POST /media with its progress), reorder (arrows or dragging)
  // and remove. The server renders the images already there: without
  // scripts they stay as they are.
  function pickerSay(el, msg) {
    var st = el.querySelector('.media-status');
    if (st) st.textContent = msg || '';
  }

  function pickerItems(el) { return Array.prototype.slice.call(el.querySelectorAll('.media-list > .media-item')); }

  function pickerRefresh(el) {
    var items = pickerItems(el), max = +el.getAttribute('data-max') || 1;
    items.forEach(function (li, i) {
      li.querySelector('.media-item-actions').hidden = false;
      var left = li.querySelector('[data-media="left"]'), right = li.querySelector('[data-media="right"]');
      if (left) left.disabled = i === 0;
      if (right) right.disabled = i === items.length - 1;
      var n = ' (' + (i + 1) + '/' + items.length + ')';
      li.querySelectorAll('.media-btn').forEach(function (b) {
        if (!b.getAttribute('data-label')) b.setAttribute('data-label', b.getAttribute('aria-label'));
        b.setAttribute('aria-label', b.getAttribute('data-label') + n);
      });
    });
    var choose = el.querySelector('.media-choose');
    if (choose) choose.classList.toggle('disabled', max > 1 && items.length >= max);
  }

  function pickerItem(el) {
    var tpl = el.querySelector('template.media-item-template');
    var li = tpl.content.querySelector('.media-item').cloneNode(true);
    el.querySelector('.media-list').appendChild(li);
    return li;
  }

  function pickerDrop(id) {
    // An upload the form never saved: removed at once (the server would
    // sweep it after a day).
    var x = new XMLHttpRequest();
    x.open('POST', '/media/' + encodeURIComponent(id) + '/delete');
    x.setRequestHeader('X-CSRF-Token', csrf());
    x.send();
  }

  function pickerRemove(el, li) {
    if (li.getAttribute('data-fresh') && li.getAttribute('data-id')) pickerDrop(li.getAttribute('data-id'));
    var img = li.querySelector('img');
    if (img && img.src.indexOf('blob:') === 0) URL.revokeObjectURL(img.src);
    li.remove();
  }

  function pickerUpload(el, file) {
    var max = +el.getAttribute('data-max') || 1;
    if (!/^image\//.test(file.type || 'image/')) { pickerSay(el, el.getAttribute('data-msg-type')); return; }
    if (max === 1) {
      pickerItems(el).forEach(function (li) { pickerRemove(el, li); });
    } else if (pickerItems(el).length >= max) {
      pickerSay(el, el.getAttribute('data-msg-full'));
      return;
    }
    var li = pickerItem(el);
    li.classList.add('uploading');
    li.setAttribute('draggable', 'false');
    var img = li.querySelector('img');
    try { img.src = URL.createObjectURL(file); } catch (err) { /* no preview */ }
    var bar = li.querySelector('.media-progress');
    bar.hidden = false;
    pickerRefresh(el);
    pickerSay(el, el.getAttribute('data-msg-uploading'));
    var fd = new FormData();
    fd.append('purpose', el.getAttribute('data-purpose'));
    fd.append('file', file);
    pickerSend(el, li, img, bar, fd, 0);
  }

  // pickerSend posts one upload. A busy server (503, 429: the images wait
  // behind the searches) is asked again after its Retry-After, a few
  // times, before the upload is given up.
  function pickerSend(el, li, img, bar, fd, attempt) {
    var x = new XMLHttpRequest();
    x.open('POST', '/media');
    x.setRequestHeader('X-CSRF-Token', csrf());
    x.setRequestHeader('Accept', 'application/json');
    x.upload.addEventListener('progress', function (e) {
      if (e.lengthComputable) bar.value = Math.round(e.loaded / e.total * 100);
    });
    x.onload = function () {
      var r = null;
      try { r = JSON.parse(x.responseText); } catch (err) { r = null; }
      if (x.status === 201 && r && r.id) {
        if (img.src.indexOf('blob:') === 0) URL.revokeObjectURL(img.src);
        img.src = r.thumb_url;
        li.setAttribute('data-id', r.id);
        li.setAttribute('data-fresh', '1');
        li.querySelector('input[type="hidden"]').value = r.id;
        li.classList.remove('uploading');
        li.setAttribute('draggable', 'true');
        bar.hidden = true;
        pickerSay(el, el.getAttribute('data-msg-added'));
      } else if ((x.status === 503 || x.status === 429) && attempt < 4) {
        var wait = Math.min(Math.max(+x.getResponseHeader('Retry-After') || 2, 1), 30);
        bar.value = 0;
        pickerSay(el, el.getAttribute('data-msg-busy'));
        setTimeout(function () { pickerSend(el, li, img, bar, fd, attempt + 1); }, wait * 1000);
        return;
      } else {
        pickerRemove(el, li);
        pickerSay(el, (r && r.error) || el.getAttribute('data-msg-failed'));
      }
      pickerRefresh(el);
    };
    x.onerror = function () {
      pickerRemove(el, li);
      pickerRefresh(el);
      pickerSay(el, el.getAttribute('data-msg-failed'));
    };
    x.send(fd);
  }

  function pickerFiles(el, files) {
    var max = +el.getAttribute('data-max') || 1;
    var list = Array.prototype.slice.call(files || []);
    if (max === 1) list = list.slice(0, 1);
    list.forEach(function (f) { pickerUpload(el, f); });
  }

  function hasFiles(e) {
    var types = e.dataTransfer && e.dataTransfer.types;
    return !!types && Array.prototype.indexOf.call(types, 'Files') >= 0;
  }

  function initPicker(el) {
    if (el.getAttribute('data-ready')) return;
    el.setAttribute('data-ready', '1');
    el.querySelector('.media-drop').hidden = false;
    var input = el.querySelector('input.media-file');
    input.addEventListener('change', function () {
      pickerFiles(el, input.files);
      input.value = '';
    });
    el.addEventListener('click', function (e) {
      var b = e.target.closest('[data-media]');
      if (!b || !el.contains(b)) return;
      var li = b.closest('.media-item'), act = b.getAttribute('data-media');
      if (act === 'remove') {
        var next = li.nextElementSibling || li.previousElementSibling;
        pickerRemove(el, li);
        pickerRefresh(el);
        pickerSay(el, el.getAttribute('data-msg-removed'));
        var f = next && next.querySelector('[data-media="remove"]');
        (f || input).focus();
        return;
      }
      if (act === 'left' && li.previousElementSibling) li.parentNode.insertBefore(li, li.previousElementSibling);
      if (act === 'right' && li.nextElementSibling) li.parentNode.insertBefore(li.nextElementSibling, li);
      pickerRefresh(el);
      pickerSay(el, el.getAttribute('data-msg-moved'));
      if (!b.disabled) b.focus();
      else { var other = li.querySelector('[data-media="' + (act === 'left' ? 'right' : 'left') + '"]'); if (other) other.focus(); }
    });
    // Dragging: files from the desktop onto the picker, or an image of
    // the picker onto another (the portfolio's own dragging of works must
    // not see these).
    var moving = null;
    el.addEventListener('dragstart', function (e) {
      e.stopPropagation();
      var li = e.target.closest && e.target.closest('.media-item');
      if (!li || li.classList.contains('uploading')) { e.preventDefault(); return; }
      moving = li;
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', li.getAttribute('data-id') || '');
      li.classList.add('dragging');
    });
    el.addEventListener('dragend', function (e) {
      e.stopPropagation();
      if (moving) moving.classList.remove('dragging');
      moving = null;
      el.classList.remove('drop-over');
    });
    el.addEventListener('dragover', function (e) {
      e.stopPropagation();
      if (hasFiles(e) || moving) {
        e.preventDefault();
        e.dataTransfer.dropEffect = moving ? 'move' : 'copy';
        el.classList.add('drop-over');
      }
    });
    el.addEventListener('dragleave', function (e) {
      if (!el.contains(e.relatedTarget)) el.classList.remove('drop-over');
    });
    el.addEventListener('drop', function (e) {
      e.stopPropagation();
      el.classList.remove('drop-over');
      if (moving) {
        e.preventDefault();
        var over = e.target.closest && e.target.closest('.media-item');
        if (over && over !== moving && over.parentNode === moving.parentNode) {
          var items = pickerItems(el);
          if (items.indexOf(moving) < items.indexOf(over)) over.parentNode.insertBefore(moving, over.nextSibling);
          else over.parentNode.insertBefore(moving, over);
          pickerSay(el, el.getAttribute('data-msg-moved'));
        }
        moving.classList.remove('dragging');
        moving = null;
        pickerRefresh(el);
      } else if (hasFiles(e)) {
        e.preventDefault();
        pickerFiles(el, e.dataTransfer.files);
      }
    });
    pickerRefresh(el);
  }

  function initPickers(root) {
    if (!window.FormData || !window.XMLHttpRequest) return;
    root.querySelectorAll('.media-picker').forEach(initPicker);
  }

  // The lightbox: a gallery's link opens its large image in a dialog, with
  // the previous and next of the same work (the arrow keys too); Escape or
  // the close button closes it and focus goes back to the link.
  var shown = { links: [], at: 0, from: null };

  function lightboxShow(i) {
    var box = document.getElementById('lightbox');
    var a = shown.links[i];
    if (!box || !a) return;
    shown.at = i;
    var img = document.getElementById('lightbox-img'), thumb = a.querySelector('img');
    img.src = a.getAttribute('href');
    img.alt = thumb ? thumb.alt : '';
    document.getElementById('lightbox-caption').textContent = a.getAttribute('data-caption') || '';
    box.querySelector('[data-lightbox-prev]').disabled = i === 0;
    box.querySelector('[data-lightbox-next]').disabled = i === shown.links.length - 1;
  }

  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[data-lightbox]');
    var box = document.getElementById('lightbox');
    if (a && box && box.showModal && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
      e.preventDefault();
      shown.links = Array.prototype.slice.call(document.querySelectorAll('a[data-lightbox="' + a.getAttribute('data-lightbox') + '"]'));
      shown.from = a;
      lightboxShow(shown.links.indexOf(a));
      box.showModal();
      box.querySelector('[data-lightbox-close]').focus();
      return;
    }
    if (!box || !box.open) return;
    if (e.target.closest('[data-lightbox-close]') || e.target === box) box.close();
    else if (e.target.closest('[data-lightbox-prev]')) lightboxShow(shown.at - 1);
    else if (e.target.closest('[data-lightbox-next]')) lightboxShow(shown.at + 1);
  });

  document.addEventListener('keydown', function (e) {
    var box = document.getElementById('lightbox');
    if (!box || !box.open) return;
    if (e.key === 'ArrowLeft' && shown.at > 0) lightboxShow(shown.at - 1);
    if (e.key === 'ArrowRight' && shown.at < shown.links.length - 1) lightboxShow(shown.at + 1);
  });

  document.addEventListener('close', function (e) {
    if (e.target.id === 'lightbox' && shown.from) shown.from.focus();
  }, true);

  function init(root) { initCharts(root); showCheckAll(root); initPickers(root); }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener('htmx:afterSettle', function (e) { init(e.target); });
})();
