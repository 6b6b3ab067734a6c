(function () {
  'use strict';
  const api = window.checkoutConfig.backendUrl;
  const money = cents => '$' + (cents / 100).toFixed(2);

  function addRow(body, text, price) {
    const tr = document.createElement('tr');
    const name = document.createElement('td');
    const amount = document.createElement('td');
    name.textContent = text;
    amount.textContent = price;
    amount.className = 'num';
    tr.append(name, amount);
    body.append(tr);
  }

  async function loadCart() {
    const response = await fetch(api + '/api/cart');
    const cart = await response.json();
    const body = document.getElementById('cart-lines');
    for (const line of cart.lines) {
      addRow(body, line.quantity + ' × ' + line.name, money(line.quantity * line.unitPrice));
    }
    document.getElementById('fees').textContent = money(cart.fees);
    document.getElementById('total').textContent = money(cart.total);
  }

  const checked = name => document.querySelector('input[name="' + name + '"]:checked').value;

  document.getElementById('checkout').addEventListener('submit', async event => {
    event.preventDefault();
    const button = document.getElementById('order');
    const error = document.getElementById('checkout-error');
    button.disabled = true;
    error.textContent = '';
    try {
      const response = await fetch(api + '/api/orders', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ method: checked('method'), approach: checked('approach'), email: document.getElementById('email').value })
      });
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        throw new Error(problem.detail || problem.title || ('The store answered ' + response.status));
      }
      const order = await response.json();
      // The provider's payment step; it sends the shopper back to /order/{id}.
      location.assign(order.paymentUrl);
    } catch (e) {
      error.textContent = 'Could not place the order: ' + e.message;
      button.disabled = false;
    }
  });

  loadCart().catch(e => { document.getElementById('checkout-error').textContent = 'Could not load the cart: ' + e.message; });
})();
