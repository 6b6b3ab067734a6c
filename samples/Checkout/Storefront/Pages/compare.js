(function () {
  'use strict';
  const api = window.checkoutConfig.backendUrl;
  const ms = value => value === null || value === undefined ? '—' : value < 1000 ? value.toFixed(0) + ' ms' : (value / 1000).toFixed(2) + ' s';
  const num = value => value === null || value === undefined ? '—' : String(value);

  function fill(body, rows, numeric) {
    body.replaceChildren(...rows.map(cells => {
      const tr = document.createElement('tr');
      cells.forEach((text, i) => {
        const td = document.createElement(i === 0 ? 'th' : 'td');
        if (i === 0) { td.scope = 'row'; }
        td.textContent = text;
        if (numeric.includes(i)) { td.className = 'num'; }
        tr.append(td);
      });
      return tr;
    }));
  }

  async function refresh() {
    const report = await (await fetch(api + '/api/compare')).json();
    document.getElementById('settings').textContent =
      'Polling interval ' + report.pollingInterval + '; Herald retry schedule ' + report.heraldRetrySchedule.join(', ') + '.';
    document.getElementById('backend-state').textContent = report.backendDown ? 'down (503)' : 'up';
    fill(document.getElementById('approaches'), report.approaches.map(a => [
      a.title, num(a.orders), num(a.paymentsFinished), num(a.learned), num(a.notLearned), num(a.requests),
      num(a.requestsPerPayment), ms(a.fastestMs), ms(a.medianMs), ms(a.slowestMs)]), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    fill(document.getElementById('orders'), report.orders.map(o => [
      o.orderId, o.paymentId || '—', o.webhookMessageId || '—', o.approach, o.status,
      o.learnedAfterMs === null ? (o.providerCompletedAt ? 'never (yet)' : '—') : ms(o.learnedAfterMs),
      ms(o.webhookAfterMs), num(o.requests)]), [5, 6, 7]);
  }

  async function toggle(path) {
    await fetch(api + path, { method: 'POST' });
    await refresh();
  }

  document.getElementById('backend-down').addEventListener('click', () => toggle('/admin/down'));
  document.getElementById('backend-up').addEventListener('click', () => toggle('/admin/up'));
  refresh();
  setInterval(() => refresh().catch(() => {}), 2000);
})();
