// Sparklines for the status page: requests per second, error rate and p99 of one backend over the last minutes,
// drawn as inline SVG from the history JSON. No library and no CDN: the page's CSP allows only its own scripts.
'use strict';
window.balancerCharts = (function () {
  const NS = 'http://www.w3.org/2000/svg';
  const WIDTH = 90;
  const HEIGHT = 22;
  const PAD = 2; // keeps the newest point's dot inside the box
  // floor: the smallest top of the scale, so a flat trickle does not fill the chart.
  const METRICS = [
    { key: 'rps', label: 'requests/s', floor: 1, format: (v) => v.toFixed(1) + '/s' },
    { key: 'errorRate', label: 'error rate', floor: 0.05, format: (v) => (v * 100).toFixed(1) + ' %' },
    { key: 'p99Ms', label: 'p99', floor: 1, format: (v) => v.toFixed(v < 10 ? 1 : 0) + ' ms' },
  ];

  function create(cell) {
    for (const metric of METRICS) {
      const svg = document.createElementNS(NS, 'svg');
      svg.setAttribute('class', 'chart');
      svg.setAttribute('data-metric', metric.key);
      svg.setAttribute('width', WIDTH);
      svg.setAttribute('height', HEIGHT);
      svg.setAttribute('viewBox', '0 0 ' + WIDTH + ' ' + HEIGHT);
      svg.setAttribute('role', 'img');
      cell.appendChild(svg);
    }
  }

  // samples: oldest first; slots: how many fit in the window (the newest sits at the right edge).
  function draw(cell, samples, slots) {
    for (const metric of METRICS) {
      const svg = cell.querySelector('svg[data-metric="' + metric.key + '"]');
      while (svg.lastChild) svg.removeChild(svg.lastChild);
      const values = samples.map((sample) => sample[metric.key]);
      const present = values.filter((v) => v !== null && v !== undefined);
      const max = Math.max(metric.floor, ...present);
      const title = document.createElementNS(NS, 'title');
      title.textContent = metric.label + ' · ' + (present.length
        ? 'latest ' + metric.format(present[present.length - 1]) + ', max ' + metric.format(Math.max(0, ...present))
        : 'no data yet');
      svg.appendChild(title);
      svg.setAttribute('aria-label', title.textContent);
      let points = [];
      const flush = () => {
        if (points.length === 1) {
          const dot = document.createElementNS(NS, 'circle');
          dot.setAttribute('cx', points[0][0]);
          dot.setAttribute('cy', points[0][1]);
          dot.setAttribute('r', 1.5);
          svg.appendChild(dot);
        } else if (points.length > 1) {
          const line = document.createElementNS(NS, 'polyline');
          line.setAttribute('points', points.map((p) => p.join(',')).join(' '));
          svg.appendChild(line);
        }
        points = [];
      };
      const step = (WIDTH - 2 * PAD) / Math.max(1, slots - 1);
      values.forEach((v, i) => {
        if (v === null || v === undefined) {
          flush(); // a gap: nothing was measured then
          return;
        }
        const x = WIDTH - PAD - (values.length - 1 - i) * step;
        const y = HEIGHT - PAD - (v / max) * (HEIGHT - 2 * PAD);
        points.push([x.toFixed(1), y.toFixed(1)]);
      });
      flush();
    }
  }

  return { create, draw };
})();
