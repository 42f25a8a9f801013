/* Catastif – the bank statements page: upload a file, confirm or ignore lines. Every
 * action is one call to /api/bank-statements with the admin's session and CSRF token;
 * the page then reloads to show the new state. */
(() => {
  'use strict';

  const section = document.querySelector('[data-company]');
  const company = section ? section.dataset.company : '';
  const message = document.getElementById('message');

  function cookie(name) {
    const found = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : '';
  }

  function show(text, ok) {
    message.hidden = false;
    message.textContent = text;
    message.className = ok ? 'notice ok' : 'alert';
  }

  async function call(method, url, body, contentType) {
    const headers = { Accept: 'application/json', 'X-CSRFToken': cookie('csrftoken') };
    if (contentType) headers['Content-Type'] = contentType;
    let response;
    try {
      response = await fetch(url, { method, headers, body, credentials: 'same-origin' });
    } catch (err) {
      return { ok: false, error: 'Serverul nu răspunde. Verificați conexiunea și încercați din nou.' };
    }
    let json = null;
    try { json = await response.json(); } catch { /* not JSON */ }
    if (response.ok) return { ok: true, data: json };
    const text = json && json.message ? `${json.message}${json.code ? ` (cod ${json.code})` : ''}`
      : `Eroare neașteptată (HTTP ${response.status}).`;
    return { ok: false, error: text };
  }

  const upload = document.getElementById('upload');
  if (upload) {
    upload.addEventListener('submit', async (event) => {
      event.preventDefault();
      const file = upload.elements.file.files[0];
      if (!file) return;
      const query = new URLSearchParams({ company, file_name: file.name });
      if (upload.elements.bank_account.value) query.set('bank_account', upload.elements.bank_account.value);
      const answer = await call('POST', `/api/bank-statements/import?${query}`, file, 'application/octet-stream');
      if (!answer.ok) { show(answer.error, false); return; }
      const d = answer.data;
      sessionStorage.setItem('bank-message', `Importat: ${d.new_lines} linii noi, ${d.existing_lines} erau deja importate.`);
      window.location.reload();
    });
  }

  async function partnerId(text) {
    const answer = await call('GET', `/api/partners?${new URLSearchParams({ q: text, limit: 2 })}`);
    if (!answer.ok) return { error: answer.error };
    const items = answer.data.items || [];
    if (items.length !== 1) return { error: `Partenerul «${text}» nu a fost găsit sau nu este unic: scrieți CUI-ul.` };
    return { id: items[0].id };
  }

  document.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const action = button.dataset.action;
    const row = button.closest('[data-line]');
    let answer;
    button.disabled = true;
    if (action === 'propose') {
      answer = await call('POST', `/api/bank-statements/propose?${new URLSearchParams({ company })}`);
      if (answer.ok) sessionStorage.setItem('bank-message', `Propuneri recalculate: ${answer.data.lines_with_partner} linii au partener.`);
    } else if (action === 'confirm') {
      const body = {};
      const other = row.querySelector('input.partner');
      if (other && other.value.trim()) {
        const found = await partnerId(other.value.trim());
        if (found.error) { show(found.error, false); button.disabled = false; return; }
        body.partner = found.id;
      } else {
        const inputs = [...row.querySelectorAll('input.alloc')];
        if (inputs.length) {
          body.allocations = inputs.filter((i) => i.value.trim() !== '')
            .map((i) => ({ invoice: Number(i.dataset.invoice), amount: i.value.trim().replace(',', '.') }));
        }
      }
      answer = await call('POST', `/api/bank-statements/lines/${row.dataset.line}/confirm`, JSON.stringify(body), 'application/json');
      if (answer.ok) sessionStorage.setItem('bank-message', `Încasarea nr. ${answer.data.receipt} a fost înregistrată.`);
    } else if (action === 'card') {
      // 1.234,50 as Romanians type it; 12.50 stays as it is.
      const raw = row.querySelector('input.fee').value.trim();
      const fee = raw.includes(',') ? raw.replace(/\./g, '').replace(',', '.') : raw;
      const body = fee ? { fee } : {};
      answer = await call('POST', `/api/bank-statements/lines/${row.dataset.line}/card-settlement`, JSON.stringify(body), 'application/json');
      if (answer.ok) sessionStorage.setItem('bank-message', `Decontarea card a fost înregistrată (nota nr. ${answer.data.entry}).`);
    } else {
      answer = await call('POST', `/api/bank-statements/lines/${row.dataset.line}/${action}`);
    }
    if (!answer.ok) { show(answer.error, false); button.disabled = false; return; }
    window.location.reload();
  });

  const saved = sessionStorage.getItem('bank-message');
  if (saved) { sessionStorage.removeItem('bank-message'); show(saved, true); }
})();
