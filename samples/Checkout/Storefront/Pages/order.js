(function () {
  'use strict';
  const api = window.checkoutConfig.backendUrl;
  const orderId = decodeURIComponent(location.pathname.split('/').pop());
  const returned = new URLSearchParams(location.search).get('payment');
  const steps = ['pending', 'paid', 'shipped', 'email sent'];
  const money = cents => '$' + (cents / 100).toFixed(2);
  const approachNames = { 'webhook': 'Herald webhook', 'polling': 'polling the provider', 'app-report': 'this page reporting back' };
  let source = null;

  function render(order) {
    document.getElementById('order-id').textContent = order.id;
    document.getElementById('order-total').textContent = money(order.total);
    document.getElementById('order-method').textContent = order.method;
    document.getElementById('order-approach').textContent = approachNames[order.approach] || order.approach;
    document.getElementById('order-status').textContent = order.status;
    document.getElementById('order-status').dataset.status = order.status;

    const reached = new Map(order.history.map(h => [h.status, h.at]));
    for (const step of steps) {
      const item = document.getElementById('step-' + step.replace(' ', '-'));
      const at = reached.get(step);
      item.classList.toggle('done', at !== undefined);
      item.querySelector('time').textContent = at ? new Date(at).toLocaleTimeString() : '';
    }
    if (order.shipment) {
      document.getElementById('tracking').textContent = 'tracking number ' + order.shipment.trackingNumber + ' (' + order.shipment.carrier + ')';
    }
    if (order.emailUrl) {
      const link = document.getElementById('email-link');
      link.href = api + order.emailUrl;
      link.hidden = false;
    }
    renderPayment(order);
    const failure = document.getElementById('failure');
    failure.hidden = !order.failureReason;
    failure.textContent = order.failureReason ? 'Payment failed: ' + order.failureReason : '';
    if (source && (order.status === 'email sent' || order.status === 'payment failed')) {
      source.close();
    }
  }

  // The provider's news as the store received it: which payment, how it ended, and which message told the store.
  function renderPayment(order) {
    const news = document.getElementById('payment-news');
    news.hidden = !order.payment;
    if (!order.payment) { return; }
    document.getElementById('payment-id').textContent = order.payment.paymentId;
    document.getElementById('payment-order').textContent = order.id;
    document.getElementById('payment-result').textContent = order.payment.result;
    const learned = document.getElementById('learned-from');
    const time = at => { const t = document.createElement('time'); t.dateTime = at; t.textContent = new Date(at).toLocaleTimeString(); return t; };
    const code = (text, id) => { const c = document.createElement('code'); c.textContent = text; if (id) { c.id = id; } return c; };
    const parts = [];
    if (order.payment.learnedBy === 'webhook' && order.webhook) {
      parts.push('The store learned it from Herald webhook ', code(order.webhook.messageId, 'webhook-message-id'), ', received at ', time(order.webhook.receivedAt), '.');
    } else {
      parts.push('The store learned it ' + (order.payment.learnedBy === 'polling' ? 'by polling the provider' : 'from this page\'s report') + ' at ',
        time(order.payment.learnedAt), '.');
      if (order.webhook) {
        parts.push(' Herald webhook ', code(order.webhook.messageId, 'webhook-message-id'), ' arrived at ', time(order.webhook.receivedAt), '.');
      }
    }
    learned.replaceChildren(...parts);
  }

  async function reportPayment(order) {
    const note = document.getElementById('report-note');
    note.textContent = 'Telling the store that the payment is done…';
    const response = await fetch(api + '/api/orders/' + encodeURIComponent(orderId) + '/payment-report', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ paymentId: order.paymentId })
    });
    note.textContent = response.ok ? 'This page told the store about the payment.' : 'The store did not accept the report (' + response.status + ').';
  }

  async function start() {
    const response = await fetch(api + '/api/orders/' + encodeURIComponent(orderId));
    if (!response.ok) {
      document.getElementById('order-status').textContent = 'order not found';
      return;
    }
    const order = await response.json();
    render(order);
    if (order.approach === 'app-report' && returned) {
      await reportPayment(order);
    }
    // Live updates without reloading: the backend pushes each change as a Server-Sent Event.
    source = new EventSource(api + '/api/orders/' + encodeURIComponent(orderId) + '/events');
    source.addEventListener('order', event => render(JSON.parse(event.data)));
  }

  start().catch(e => { document.getElementById('order-status').textContent = 'could not load the order: ' + e.message; });
})();
